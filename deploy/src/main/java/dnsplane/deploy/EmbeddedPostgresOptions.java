package dnsplane.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * EmbeddedPostgresOptions is what {@link EmbeddedPostgresMain} was asked to run: the port, the
 * persistent data folder, the folder the binaries are unpacked to and the pid file. Parsed from
 * flags, falling back to the environment ({@code DNSPLANE_STATE_DIR}, {@code DNSPLANE_PG_PORT}).
 */
public record EmbeddedPostgresOptions(int port, Path dataDir, Path workDir, Path pidFile) {

  /** The port PostgreSQL normally uses; deploy/up picks another when it is taken. */
  public static final int DEFAULT_PORT = 5432;

  public static final String USAGE =
      "usage: dnsplane db-embedded [--port N] [--data-dir DIR] [--pid-file FILE]";

  public EmbeddedPostgresOptions {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--port must be 1..65535, got " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(pidFile, "pidFile");
  }

  /**
   * Parses {@code args}; defaults come from {@code env}: the state folder is {@code
   * DNSPLANE_STATE_DIR} (else {@code deploy/state} under the current directory), holding {@code
   * pg/} (data), {@code pg-bin/} (unpacked binaries) and {@code run/db-embedded.pid}.
   *
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public static EmbeddedPostgresOptions parse(String[] args, Map<String, String> env) {
    Path state = Path.of(env.getOrDefault("DNSPLANE_STATE_DIR", "deploy/state"));
    String port = env.getOrDefault("DNSPLANE_PG_PORT", Integer.toString(DEFAULT_PORT));
    Path data = state.resolve("pg");
    Path pid = state.resolve("run").resolve("db-embedded.pid");
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = flag.contains("=") ? flag.substring(flag.indexOf('=') + 1) : null;
      String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
      if (value == null && !name.equals("--help")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
        }
        value = args[++i];
      }
      switch (name) {
        case "--port" -> port = value;
        case "--data-dir" -> data = Path.of(value);
        case "--pid-file" -> pid = Path.of(value);
        default -> throw new IllegalArgumentException("unknown argument " + flag + "\n" + USAGE);
      }
    }
    int portNumber;
    try {
      portNumber = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a number, got '" + port + "'", e);
    }
    Path absData = data.toAbsolutePath().normalize();
    return new EmbeddedPostgresOptions(
        portNumber,
        absData,
        absData.resolveSibling(absData.getFileName() + "-bin"),
        pid.toAbsolutePath().normalize());
  }
}
