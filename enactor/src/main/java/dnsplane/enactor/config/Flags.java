package dnsplane.enactor.config;

import dnsplane.db.Names;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.Env;
import dnsplane.db.cli.HelpOption;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.rules.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Flags is the enactor's command line, parsed once into its {@link EnactorConfig} and the HTTP
 * address: {@code --az NAME [--mode safe|legacy] [--http HOST:PORT] [--delay ENDPOINT=DURATION]...
 * [--keep K] [--authdns HOST:PORT]}, each also read from the environment (DNSPLANE_ENACTOR_AZ,
 * _MODE, _HTTP, _KEEP, _DELAYS as "e1=20s,e2=1m", and DNSPLANE_AUTHDNS). A flag wins over its
 * variable; {@code --delay} flags replace the variable's list.
 */
public record Flags(EnactorConfig config, String httpHost, int httpPort) {

  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of("az-a", 8082, "az-b", 8083, "az-c", 8084);

  public Flags {
    Objects.requireNonNull(config, "config");
  }

  @Command(
      name = "enactor",
      sortOptions = false,
      description = "Apply the planner's plans to DNS records in one availability zone.",
      footer = {
        "",
        "Database: DNSPLANE_DB_URL, DNSPLANE_DB_USER, DNSPLANE_DB_PASSWORD.",
        "Without DNSPLANE_API_TOKEN the admin API listens on loopback only."
      })
  static final class Line {
    @Mixin HelpOption help;

    @Env("DNSPLANE_ENACTOR_AZ")
    @Option(names = "--az", paramLabel = "NAME", description = "The availability zone (required).")
    String az;

    @Env("DNSPLANE_ENACTOR_MODE")
    @Option(
        names = "--mode",
        paramLabel = "safe|legacy",
        defaultValue = "safe",
        description =
            "safe: per-record compare-and-set and the non-empty invariant; legacy: the 2025"
                + " check-once race (default: ${DEFAULT-VALUE}).")
    String mode;

    @Env("DNSPLANE_ENACTOR_HTTP")
    @Option(
        names = "--http",
        paramLabel = "HOST:PORT",
        description = "The admin API (default: 127.0.0.1:8082, :8083, :8084 for az-a, b, c).")
    String http;

    @Env("DNSPLANE_ENACTOR_DELAYS")
    @Option(
        names = "--delay",
        paramLabel = "ENDPOINT=DURATION",
        split = ",",
        description = "Fault injection: wait before writing ENDPOINT (e.g. e1.aws.test=20s).")
    List<String> delays = new ArrayList<>();

    @Env("DNSPLANE_ENACTOR_KEEP")
    @Option(
        names = "--keep",
        paramLabel = "K",
        description = "Plans cleanup keeps (default: ${DEFAULT-VALUE}).")
    int keep = EnactorSettings.DEFAULT_KEEP;

    @Env("DNSPLANE_AUTHDNS")
    @Option(
        names = "--authdns",
        paramLabel = "HOST:PORT",
        defaultValue = EnactorConfig.DEFAULT_AUTHDNS,
        description =
            "The authdns written answers are verified against (default: ${DEFAULT-VALUE}).")
    String authdns;
  }

  /** A new command line reading {@code env}; {@link #from} turns its parse into Flags. */
  public static CommandLine commandLine(Map<String, String> env) {
    return CommandLines.create(new Line(), env);
  }

  /**
   * Parses {@code args}, defaults from {@code env}.
   *
   * @throws ParameterException naming the flag and the bad value
   */
  public static Flags parse(String[] args, Map<String, String> env) {
    CommandLine cl = commandLine(env);
    CommandLines.parse(cl, args);
    return from(cl);
  }

  /** The Flags a parsed command line gives; checks what the types alone cannot. */
  public static Flags from(CommandLine cl) {
    Line line = cl.getCommand();
    if (line.az == null || line.az.isBlank()) {
      throw CommandLines.invalid(cl, "--az NAME is required (e.g. --az az-a)");
    }
    String http = line.http;
    if (http == null) {
      Integer port = DEFAULT_PORTS.get(line.az);
      if (port == null) {
        throw CommandLines.invalid(
            cl,
            "--http HOST:PORT is required for az "
                + line.az
                + " (defaults exist for az-a, az-b, az-c)");
      }
      http = "127.0.0.1:" + port;
    }
    int colon = http.lastIndexOf(':');
    if (colon <= 0) {
      throw CommandLines.invalid(cl, "--http must be HOST:PORT, got " + http);
    }
    if (line.keep < 1) {
      throw CommandLines.invalid(cl, "--keep must be at least 1, got " + line.keep);
    }
    try {
      Map<String, Duration> delays = new LinkedHashMap<>();
      for (String spec : line.delays) {
        if (!spec.isBlank()) {
          addDelay(delays, spec.strip());
        }
      }
      EnactorConfig config =
          EnactorConfig.of(line.az, Mode.parse(line.mode), line.keep, line.authdns, delays);
      config.settings(); // the az's own rules, checked before anything starts
      return new Flags(config, http.substring(0, colon), port(http.substring(colon + 1), "--http"));
    } catch (IllegalArgumentException e) {
      throw CommandLines.invalid(cl, e.getMessage());
    }
  }

  private static void addDelay(Map<String, Duration> delays, String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--delay must be ENDPOINT=DURATION, got " + spec);
    }
    delays.put(Names.canonical(spec.substring(0, eq)), Durations.parse(spec.substring(eq + 1)));
  }

  static int port(String s, String what) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // Reported below.
    }
    throw new IllegalArgumentException(what + " port must be 0-65535, got " + s);
  }
}
