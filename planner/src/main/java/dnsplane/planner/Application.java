package dnsplane.planner;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.Env;
import dnsplane.db.cli.HelpOption;
import dnsplane.planner.config.ApiProperties;
import dnsplane.planner.config.InvalidSettingException;
import dnsplane.planner.config.PlannerProperties;
import dnsplane.planner.config.Settings;
import dnsplane.planner.console.ConsoleProperties;
import dnsplane.planner.endpoint.HostPort;
import dnsplane.planner.retention.RetentionProperties;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanInstantiationException;
import io.micronaut.context.exceptions.DependencyInjectionException;
import io.micronaut.runtime.Micronaut;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Application starts the planner: {@code [--http HOST:PORT]} (default 127.0.0.1:8081, env
 * DNSPLANE_PLANNER_HTTP). It migrates the database first, then starts Micronaut on the same
 * database. Without DNSPLANE_API_TOKEN it refuses to listen on anything but loopback.
 */
public final class Application {

  public static final String DEFAULT_HTTP = "127.0.0.1:8081";

  static final String PROGRAM = "planner";
  static final String HTTP_ENV = "DNSPLANE_PLANNER_HTTP";

  private Application() {}

  /** The parsed command line. */
  public record Options(HostPort http) {}

  /** The flags, as picocli fills them. */
  @Command(
      name = PROGRAM,
      description = {
        "Keeps endpoints, their targets and health, and writes immutable, versioned plans.",
        "Creates and migrates the database (DNSPLANE_DB_*) first, then serves the HTTP API."
      })
  static final class Flags {
    @Mixin HelpOption help;

    @Env(HTTP_ENV)
    @Option(
        names = "--http",
        paramLabel = "HOST:PORT",
        defaultValue = DEFAULT_HTTP,
        description = {
          "Where the HTTP API listens (default " + DEFAULT_HTTP + "); IPv6 as [::1]:8081.",
          "Anything but loopback needs DNSPLANE_API_TOKEN."
        })
    String http;
  }

  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the planner as {@code main} does: help goes to {@code out} (0); a bad command line, an
   * unsafe listen address or a bad setting to {@code err} (2); otherwise the planner starts and
   * keeps running (0).
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Flags flags = new Flags();
    CommandLine cl = commandLine(flags, env);
    return CommandLines.run(
        PROGRAM,
        cl,
        args,
        out,
        err,
        parsed -> {
          Options options = options(cl, parsed, flags);
          try {
            requireSafeListen(options.http(), env.get("DNSPLANE_API_TOKEN"));
          } catch (IllegalArgumentException e) {
            throw CommandLines.invalid(cl, e.getMessage());
          }
          try {
            start(options, env, err);
          } catch (RuntimeException e) {
            if (badSetting(e) == null) {
              throw e;
            }
            return CommandLines.USAGE; // said on err by the start's error mapping
          }
          return 0;
        });
  }

  /**
   * Parses {@code args}, checks the listen policy, migrates the database named by {@code env} and
   * starts the HTTP service; the caller owns (and eventually closes) the returned context.
   *
   * @throws ParameterException for a bad command line
   * @throws IllegalArgumentException for an unsafe listen address
   */
  public static ApplicationContext start(String[] args, Map<String, String> env) {
    return start(parse(args, env), env, System.err);
  }

  /**
   * Starts the planner. A bad setting that stops Micronaut's start is said on {@code err} as {@code
   * planner: SETTING (VARIABLE) must be …} and exits 2; outside tests Micronaut exits itself, after
   * logging the error.
   */
  private static ApplicationContext start(
      Options options, Map<String, String> env, PrintStream err) {
    requireSafeListen(options.http(), env.get("DNSPLANE_API_TOKEN"));
    DbSettings db = DbSettings.fromEnv(env);
    DbBootstrap.prepare(db);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("micronaut.server.host", options.http().host());
    props.put("micronaut.server.port", options.http().port());
    props.put("datasources.default.url", db.jdbcUrl());
    props.put("datasources.default.username", db.user());
    props.put("datasources.default.password", db.password());
    String token = env.get("DNSPLANE_API_TOKEN");
    if (token != null && !token.isBlank()) {
      props.put("dnsplane.api.token", token);
    }
    return Micronaut.build(new String[0])
        .mainClass(Application.class)
        .properties(props)
        .mapError(BeanInstantiationException.class, e -> exitCode(e, err))
        .mapError(DependencyInjectionException.class, e -> exitCode(e, err))
        .start();
  }

  /** The exit code for a failed start: 2, said on {@code err}, for a bad setting; else 1. */
  private static int exitCode(Throwable e, PrintStream err) {
    InvalidSettingException bad = badSetting(e);
    if (bad == null) {
      return 1;
    }
    err.println(PROGRAM + ": " + bad.getMessage());
    err.flush();
    return CommandLines.USAGE;
  }

  /**
   * Parses the command line; the environment supplies defaults. Help is {@link #run}'s to answer:
   * here {@code --help} is parsed and otherwise ignored.
   *
   * @throws ParameterException for a bad command line, naming the problem
   */
  public static Options parse(String[] args, Map<String, String> env) {
    Flags flags = new Flags();
    CommandLine cl = commandLine(flags, env);
    return options(cl, CommandLines.parse(cl, args), flags);
  }

  private static CommandLine commandLine(Flags flags, Map<String, String> env) {
    CommandLine cl = CommandLines.create(flags, env);
    List<String> footer = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().footer()));
    footer.addAll(settingsHelp());
    cl.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    return cl;
  }

  /** The settings section of the help: every variable with its default. */
  private static List<String> settingsHelp() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Settings, with their defaults (each variable is also a Micronaut property:");
    lines.add("DNSPLANE_PLANNER_CHECK_RISE is dnsplane.planner.check.rise):");
    String row = "  %-48s %s";
    lines.add(String.format(row, "DNSPLANE_DB_URL", DbSettings.DEFAULT_URL));
    lines.add(String.format(row, "DNSPLANE_DB_USER", DbSettings.DEFAULT_USER));
    lines.add(String.format(row, "DNSPLANE_DB_PASSWORD", "unset"));
    for (Class<? extends Record> type :
        List.of(
            ApiProperties.class,
            PlannerProperties.class,
            RetentionProperties.class,
            ConsoleProperties.class)) {
      for (Settings.Entry e : Settings.of(type)) {
        if (e.setting().property().equals("dnsplane.planner.velocity-step")) {
          continue; // retired
        }
        String fallback = e.defaultValue();
        if (e.setting().property().equals("dnsplane.api.token")) {
          fallback = "unset: no auth, loopback only";
        } else if (e.setting().property().equals("dnsplane.console.resolvers")) {
          fallback = "unset: none (name=HOST:PORT,...)";
        } else if (e.setting().property().equals("dnsplane.console.enactors")) {
          fallback = "unset: none (az=http://HOST:PORT,...)";
        }
        lines.add(String.format(row, e.setting().env(), fallback == null ? "unset" : fallback));
      }
    }
    lines.add("Durations: 500ms, 2s, 10m, 24h, 7d or ISO-8601 (PT2S); a bare number is seconds.");
    lines.add("A heartbeat of 0 disables it; 0/off disables a retention interval or limit.");
    lines.add("The live console is GET /ui; DNSPLANE_CONSOLE_AUTHDNS=off stops it asking authdns.");
    return lines;
  }

  /** The options {@code parsed} holds, the listen address read and checked. */
  private static Options options(CommandLine cl, ParseResult parsed, Flags flags) {
    try {
      return new Options(HostPort.parse(flags.http));
    } catch (IllegalArgumentException e) {
      String where =
          parsed.hasMatchedOption("--http")
              ? "option '--http'"
              : HTTP_ENV + " (the default of --http)";
      throw CommandLines.invalid(cl, "Invalid value for " + where + ": " + e.getMessage());
    }
  }

  /** The bad setting that stopped the start, or null. */
  private static InvalidSettingException badSetting(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidSettingException bad) {
        return bad;
      }
    }
    return null;
  }

  /**
   * Refuses a non-loopback listen address unless an API token is set: otherwise anyone on the
   * network could rewrite the endpoints.
   */
  public static void requireSafeListen(HostPort http, String token) {
    if ((token == null || token.isBlank()) && !http.isLoopback()) {
      throw new IllegalArgumentException(
          "refusing to listen on "
              + http
              + " without DNSPLANE_API_TOKEN: mutating calls would be open"
              + " to the network; set a token or listen on loopback");
    }
  }
}
