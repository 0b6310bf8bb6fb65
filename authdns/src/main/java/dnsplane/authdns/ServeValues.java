package dnsplane.authdns;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.persist.SnapshotPersister;
import dnsplane.authdns.persist.SnapshotSeed;
import dnsplane.authdns.rrl.RrlConfig;
import dnsplane.authdns.tsig.TsigKey;
import dnsplane.authdns.tsig.TsigKeyFile;
import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.authdns.xfr.NotifyTarget;
import dnsplane.authdns.xfr.TransferAcl;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.EnvDefaults;
import dnsplane.db.net.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.xbill.DNS.Name;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * ServeValues checks the flags of one {@code serve}: each error names the flag (and the variable,
 * when the value came from one) and the text.
 */
final class ServeValues {
  private final ParseResult parsed;
  private final CommandLine cl;
  private final Map<String, String> env;

  ServeValues(ParseResult parsed, Map<String, String> env) {
    this.parsed = parsed;
    this.cl = parsed.commandSpec().commandLine();
    this.env = env;
  }

  Cli.Serve serve(ServeCommand s) {
    return new Cli.Serve(
        hostPort("--listen", s.listen),
        hostPort("--http", s.http),
        xfr(s).withJournal(journal(s)),
        rrl(s),
        persist(s),
        Duration.ofMillis(
            range("--standby-poll-ms", s.standbyPollMs, 1, 60_000, "between 1 and 60000")));
  }

  private XfrConfig xfr(ServeCommand s) {
    TransferAcl acl;
    try {
      acl = TransferAcl.parse(s.allowTransfer);
    } catch (IllegalArgumentException e) {
      throw rejected("--allow-transfer", s.allowTransfer, e);
    }
    List<NotifyTarget> targets = new ArrayList<>();
    for (String t : s.notify.split(",")) {
      if (!t.isBlank()) {
        // HOST:PORT [KEY], as NSD's "notify: ADDRESS KEY".
        String[] words = t.trim().split("\\s+");
        if (words.length > 2) {
          throw bad("--notify", t.trim(), "expected HOST:PORT [KEY]");
        }
        InetSocketAddress address = hostPort("--notify", words[0]);
        Name key = null;
        if (words.length == 2 && !words[1].equalsIgnoreCase("NOKEY")) {
          key = CliCommand.name(cl, source("--notify") + " key", words[1]);
        }
        targets.add(new NotifyTarget(address, key));
      }
    }
    List<TsigKey> keys = new ArrayList<>();
    if (!s.tsigKeys.isBlank()) {
      try {
        keys.addAll(TsigKeyFile.read(Path.of(s.tsigKeys)));
      } catch (TsigKeyFile.TsigConfigException | InvalidPathException e) {
        // The message names the file and the line (never a secret).
        throw CommandLines.invalid(cl, source("--tsig-keys") + ": " + e.getMessage());
      }
    }
    try {
      keys.addAll(
          TsigKeyFile.parseInline(
              env.getOrDefault("DNSPLANE_AUTHDNS_TSIG_KEYS", ""), "DNSPLANE_AUTHDNS_TSIG_KEYS"));
      return new XfrConfig(acl, targets, TsigKeys.of(keys));
    } catch (TsigKeyFile.TsigConfigException | IllegalArgumentException e) {
      // The messages name the variable and entry, or the flag and key (never a secret).
      throw CommandLines.invalid(cl, e.getMessage());
    }
  }

  /** The IXFR journal's bounds per zone (--ixfr-versions, --ixfr-records). */
  private JournalLimits journal(ServeCommand s) {
    return new JournalLimits(
        range("--ixfr-versions", s.ixfrVersions, 0, Integer.MAX_VALUE, "must be 0 or more"),
        range("--ixfr-records", s.ixfrRecords, 0, Integer.MAX_VALUE, "must be 0 or more"));
  }

  private RrlConfig rrl(ServeCommand s) {
    RrlConfig rate = with("--rrl-rate", s.rrlRate, RrlConfig.OFF::withRate);
    RrlConfig slip = with("--rrl-slip", s.rrlSlip, rate::withSlip);
    RrlConfig v4 =
        with(
            "--rrl-ipv4-prefix",
            s.rrlIpv4Prefix,
            n -> slip.withPrefixLengths(n, slip.ipv6PrefixLength()));
    RrlConfig v6 =
        with(
            "--rrl-ipv6-prefix",
            s.rrlIpv6Prefix,
            n -> v4.withPrefixLengths(v4.ipv4PrefixLength(), n));
    try {
      return v6.withWhitelist(Cidr.parseList(s.rrlWhitelist));
    } catch (IllegalArgumentException e) {
      throw rejected("--rrl-whitelist", s.rrlWhitelist, e);
    }
  }

  /** {@code apply} to the number {@code text}, its rejection naming {@code flag}. */
  private RrlConfig with(String flag, String text, IntFunction<RrlConfig> apply) {
    int n = number(flag, text);
    try {
      return apply.apply(n);
    } catch (IllegalArgumentException e) {
      throw rejected(flag, text, e);
    }
  }

  private PersistConfig persist(ServeCommand s) {
    int seconds =
        range(
            "--snapshot-interval",
            s.snapshotInterval,
            1,
            Integer.MAX_VALUE,
            "must be at least 1 second");
    List<java.net.URI> seeds;
    try {
      seeds = SnapshotSeed.parsePeers(s.seedFrom);
    } catch (IllegalArgumentException e) {
      throw bad("--seed-from", s.seedFrom, e.getMessage());
    }
    PersistConfig.Checkpoints checkpoints =
        switch (s.checkpoints) {
          case "write" -> PersistConfig.Checkpoints.WRITE;
          case "read" -> PersistConfig.Checkpoints.READ;
          case "off" -> PersistConfig.Checkpoints.OFF;
          default -> throw bad("--checkpoints", s.checkpoints, "must be write, read or off");
        };
    if (s.stateDir.equals("none")) {
      return PersistConfig.NONE.withSeeds(seeds).withCheckpoints(checkpoints);
    }
    Path path;
    try {
      path = s.stateDir.isBlank() ? PersistConfig.defaultDir(env) : Path.of(s.stateDir);
    } catch (InvalidPathException e) {
      throw bad("--state-dir", s.stateDir, e.getReason());
    }
    long stall = 0;
    String fault = env.getOrDefault("DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES", "");
    if (!fault.isBlank()) {
      try {
        stall = Long.parseLong(fault.trim());
      } catch (NumberFormatException e) {
        throw CommandLines.invalid(
            cl, "DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES: not a number: '" + fault + "'");
      }
    }
    return new PersistConfig(
        path,
        new SnapshotPersister.Policy(
            Duration.ofSeconds(seconds), SnapshotPersister.Policy.defaults().busyFactor()),
        stall,
        seeds,
        checkpoints);
  }

  private int range(String flag, String text, int min, int max, String rule) {
    int n = number(flag, text);
    if (n < min || n > max) {
      throw bad(flag, text, rule);
    }
    return n;
  }

  private int number(String flag, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw bad(flag, text, "not a number");
    }
  }

  /** HOST:PORT or [V6]:PORT. */
  private InetSocketAddress hostPort(String flag, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw bad(flag, text, "expected HOST:PORT");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw bad(flag, text, "write IPv6 addresses as [ADDR]:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(flag, text, "bad port");
    }
    if (port < 0 || port > 65535) {
      throw bad(flag, text, "port out of range");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw bad(flag, text, "unknown host " + host);
    }
    return address;
  }

  /** {@code FLAG: RULE, got 'TEXT'}; FLAG says which variable the text came from, if one did. */
  private ParameterException bad(String flag, String text, String rule) {
    return CommandLines.invalid(cl, source(flag) + ": " + rule + ", got '" + text + "'");
  }

  /** {@code FLAG: WHY}, adding the text when the rejection does not quote it. */
  private ParameterException rejected(String flag, String text, IllegalArgumentException e) {
    String why = e.getMessage();
    return why.contains(text.trim())
        ? CommandLines.invalid(cl, source(flag) + ": " + why)
        : bad(flag, text, why);
  }

  /** {@code flag}, or {@code VARIABLE (flag)} when the value came from the environment. */
  private String source(String flag) {
    if (parsed.hasMatchedOption(flag)) {
      return flag;
    }
    OptionSpec option = cl.getCommandSpec().findOption(flag);
    String variable = option == null ? null : EnvDefaults.variable(option);
    return variable != null && env.containsKey(variable) ? variable + " (" + flag + ")" : flag;
  }
}
