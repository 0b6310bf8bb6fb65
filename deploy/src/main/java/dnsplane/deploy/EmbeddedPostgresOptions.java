package dnsplane.deploy;

import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.Env;
import dnsplane.db.cli.HelpOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * EmbeddedPostgresOptions is what {@link EmbeddedPostgresMain} was asked to run: the port, the
 * persistent data folder, the folder the binaries are unpacked to and the pid file. Parsed from
 * flags, falling back to the environment ({@code DNSPLANE_STATE_DIR}, {@code DNSPLANE_PG_PORT}).
 */
public record EmbeddedPostgresOptions(int port, Path dataDir, Path workDir, Path pidFile) {

  /** The port PostgreSQL normally uses; deploy/up picks another when it is taken. */
  public static final int DEFAULT_PORT = 5432;

  public EmbeddedPostgresOptions {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--port must be 1..65535, got " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(pidFile, "pidFile");
  }

  @Command(
      name = "db-embedded",
      sortOptions = false,
      description = "Run PostgreSQL 15 on 127.0.0.1 with its data in a persistent folder.",
      footer = {
        "",
        "The state folder is DNSPLANE_STATE_DIR (default deploy/state); it holds pg/ (data),",
        "pg-bin/ (unpacked binaries) and run/db-embedded.pid."
      })
  static final class Line {
    @Mixin HelpOption help;

    @Env("DNSPLANE_PG_PORT")
    @Option(
        names = "--port",
        paramLabel = "N",
        description = "The port (default: ${DEFAULT-VALUE}).")
    int port = DEFAULT_PORT;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "The data folder (default: STATE/pg).")
    Path dataDir;

    @Option(
        names = "--pid-file",
        paramLabel = "FILE",
        description = "The pid file (default: STATE/run/db-embedded.pid).")
    Path pidFile;
  }

  /** A new command line reading {@code env}; {@link #from} turns its parse into options. */
  public static CommandLine commandLine(Map<String, String> env) {
    return CommandLines.create(new Line(), env);
  }

  /**
   * Parses {@code args}; defaults come from {@code env}.
   *
   * @throws ParameterException naming the bad flag or value
   */
  public static EmbeddedPostgresOptions parse(String[] args, Map<String, String> env) {
    CommandLine cl = commandLine(env);
    CommandLines.parse(cl, args);
    return from(cl, env);
  }

  /** The options a parsed command line gives. */
  public static EmbeddedPostgresOptions from(CommandLine cl, Map<String, String> env) {
    Line line = cl.getCommand();
    Path state = Path.of(env.getOrDefault("DNSPLANE_STATE_DIR", "deploy/state"));
    Path data = line.dataDir != null ? line.dataDir : state.resolve("pg");
    Path pid =
        line.pidFile != null ? line.pidFile : state.resolve("run").resolve("db-embedded.pid");
    Path absData = data.toAbsolutePath().normalize();
    try {
      return new EmbeddedPostgresOptions(
          line.port,
          absData,
          absData.resolveSibling(absData.getFileName() + "-bin"),
          pid.toAbsolutePath().normalize());
    } catch (IllegalArgumentException e) {
      throw CommandLines.invalid(cl, e.getMessage());
    }
  }
}
