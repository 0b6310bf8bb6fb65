package dnsplane.authdns;

import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.rrl.RrlConfig;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.db.cli.CommandLines;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.xbill.DNS.Name;
import picocli.CommandLine.ParameterException;

/**
 * Cli is the authdns command line, parsed: one record per command. The command line itself (flags,
 * help, the variables each flag falls back to, the defaults of DESIGN.md) is {@link CliCommand}'s
 * picocli model; {@code authdns --help} prints it.
 */
public sealed interface Cli {

  record Serve(
      InetSocketAddress listen,
      InetSocketAddress http,
      XfrConfig xfr,
      RrlConfig rrl,
      PersistConfig persist,
      java.time.Duration standbyPoll)
      implements Cli {
    /** Polling a hot standby at the default interval. */
    public Serve(
        InetSocketAddress listen,
        InetSocketAddress http,
        XfrConfig xfr,
        RrlConfig rrl,
        PersistConfig persist) {
      this(listen, http, xfr, rrl, persist, java.time.Duration.ofMillis(100));
    }

    /** Without a persisted snapshot. */
    public Serve(InetSocketAddress listen, InetSocketAddress http, XfrConfig xfr, RrlConfig rrl) {
      this(listen, http, xfr, rrl, PersistConfig.NONE);
    }

    /** Without transfer settings: the defaults (loopback may transfer, no NOTIFY). */
    public Serve(InetSocketAddress listen, InetSocketAddress http) {
      this(listen, http, XfrConfig.defaults());
    }

    /** Without response rate limiting. */
    public Serve(InetSocketAddress listen, InetSocketAddress http, XfrConfig xfr) {
      this(listen, http, xfr, RrlConfig.OFF);
    }
  }

  record Migrate() implements Cli {}

  /** {@code checkpoint}: write a snapshot checkpoint after the import when one is due. */
  record Import(Path file, Name origin, boolean checkpoint) implements Cli {}

  record Export(Name zone) implements Cli {}

  /** {@code zone checkpoint}: write a snapshot checkpoint from the rows when one is due. */
  record Checkpoint() implements Cli {}

  record Help() implements Cli {}

  /** A command line that cannot be run; the message says why. */
  public final class UsageException extends Exception {
    UsageException(String message, ParameterException cause) {
      super(message, cause);
    }
  }

  /**
   * Parses an authdns command line; flags the command line does not give are read from {@code env},
   * then take their defaults.
   *
   * @throws UsageException for a command line that cannot be run, naming the flag (or variable) and
   *     the bad text
   */
  public static Cli parse(String[] args, Map<String, String> env) throws UsageException {
    try {
      return CliCommand.toCli(CommandLines.parse(CliCommand.commandLine(env), args), env);
    } catch (ParameterException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
