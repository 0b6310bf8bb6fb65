package dnsplane.authdns;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.rrl.RrlConfig;
import dnsplane.authdns.tsig.TsigKey;
import dnsplane.authdns.tsig.TsigKeyFile;
import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.authdns.xfr.NotifyTarget;
import dnsplane.authdns.xfr.TransferAcl;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.db.net.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Cli is the authdns command line, parsed: one record per command. Flags fall back to the
 * environment (DNSPLANE_AUTHDNS_LISTEN, DNSPLANE_AUTHDNS_HTTP), then to the defaults of DESIGN.md.
 */
public sealed interface Cli {

  String USAGE =
      """
      usage: authdns serve [--listen HOST:PORT] [--http HOST:PORT]
                           [--allow-transfer 'CIDR [KEY][,...]'] [--notify 'HOST:PORT [KEY][,...]']
                           [--tsig-keys FILE] [--state-dir DIR|none] [--snapshot-interval SECONDS]
                           [--standby-poll-ms MS]
                           [--rrl-rate N] [--rrl-slip N] [--rrl-whitelist CIDR[,CIDR...]]
                           [--rrl-ipv4-prefix LEN] [--rrl-ipv6-prefix LEN]
                           [--ixfr-versions N] [--ixfr-records N]
             authdns migrate
             authdns zone import FILE [--origin NAME]
             authdns zone export NAME
        serve   answer DNS (UDP+TCP, default 127.0.0.1:1053) from PostgreSQL's zones,
                health and metrics on HTTP (default 127.0.0.1:8080); AXFR/IXFR over TCP
                for --allow-transfer (default loopback), NOTIFY to --notify on each change;
                an entry with a TSIG KEY needs requests signed with it / signs the NOTIFY;
                keys from FILE (BIND 'key' statements, mode 600) or DNSPLANE_AUTHDNS_TSIG_KEYS
                ('ALG:NAME:SECRET,...'), never from the command line;
                IXFR sends differences from a journal of each zone's last --ixfr-versions
                versions (default 1000) holding up to --ixfr-records records (default
                100000; 0 versions: always the whole zone), else the whole zone;
                --rrl-rate N limits UDP responses to N/s per client /24 (IPv4) or /56
                (IPv6) and kind of answer (default 0: off); every --rrl-slip-th limited
                response (default 2; 0 drops all) goes out truncated so real clients
                retry over TCP, which is never limited; --rrl-whitelist networks are
                exempt. TCP: 1024 connections, 10 s idle (2 s when over half are
                open), 2 s to receive a query, 2 min lifetime, 100 replies queued;
                the snapshot is saved to --state-dir (default $DNSPLANE_STATE_DIR/authdns,
                else ~/.local/state/dnsplane/authdns; 'none': not saved) at most every
                --snapshot-interval seconds (default 5) and served at start, so authdns
                answers while PostgreSQL is down; serving needs read rights only;
                on a hot standby (no LISTEN there) the change log is polled every
                --standby-poll-ms (default 100)
        migrate create the database if missing and apply the schema migrations (needs
                rights to create; serve never migrates)
        import  replace zone NAME (default: the owner of the file's SOA) with master FILE;
                plan-managed rrsets (endpoints' A, AAAA, _plan TXT) are left alone
        export  print zone NAME as a master file
      database: DNSPLANE_DB_URL, DNSPLANE_DB_USER, DNSPLANE_DB_PASSWORD\
      """;

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

  record Import(Path file, Name origin) implements Cli {}

  record Export(Name zone) implements Cli {}

  record Help() implements Cli {}

  /** A command line that cannot be run; the message says why. */
  public final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static Cli parse(String[] args, Map<String, String> env) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no command given");
    }
    switch (args[0]) {
      case "-h", "--help", "help" -> {
        return new Help();
      }
      case "serve" -> {
        String listen = env.getOrDefault("DNSPLANE_AUTHDNS_LISTEN", "127.0.0.1:1053");
        String http = env.getOrDefault("DNSPLANE_AUTHDNS_HTTP", "127.0.0.1:8080");
        String allow = env.getOrDefault("DNSPLANE_AUTHDNS_ALLOW_TRANSFER", "127.0.0.0/8,::1");
        String notify = env.getOrDefault("DNSPLANE_AUTHDNS_NOTIFY", "");
        String tsigFile = env.getOrDefault("DNSPLANE_AUTHDNS_TSIG_KEYS_FILE", "");
        String rrlRate = env.getOrDefault("DNSPLANE_AUTHDNS_RRL_RATE", "0");
        String rrlSlip = env.getOrDefault("DNSPLANE_AUTHDNS_RRL_SLIP", "" + RrlConfig.DEFAULT_SLIP);
        String rrlWhitelist = env.getOrDefault("DNSPLANE_AUTHDNS_RRL_WHITELIST", "");
        String rrlV4 = env.getOrDefault("DNSPLANE_AUTHDNS_RRL_IPV4_PREFIX", "24");
        String rrlV6 = env.getOrDefault("DNSPLANE_AUTHDNS_RRL_IPV6_PREFIX", "56");
        String ixfrVersions =
            env.getOrDefault("DNSPLANE_AUTHDNS_IXFR_VERSIONS", "" + JournalLimits.DEFAULT_VERSIONS);
        String ixfrRecords =
            env.getOrDefault("DNSPLANE_AUTHDNS_IXFR_RECORDS", "" + JournalLimits.DEFAULT_RECORDS);
        String stateDir = env.getOrDefault("DNSPLANE_AUTHDNS_STATE_DIR", "");
        String snapshotInterval = env.getOrDefault("DNSPLANE_AUTHDNS_SNAPSHOT_INTERVAL", "5");
        String standbyPoll = env.getOrDefault("DNSPLANE_AUTHDNS_STANDBY_POLL_MS", "100");
        for (int i = 1; i < args.length; i += 2) {
          String value = value(args, i);
          switch (args[i]) {
            case "--listen" -> listen = value;
            case "--http" -> http = value;
            case "--allow-transfer" -> allow = value;
            case "--notify" -> notify = value;
            case "--tsig-keys" -> tsigFile = value;
            case "--rrl-rate" -> rrlRate = value;
            case "--rrl-slip" -> rrlSlip = value;
            case "--rrl-whitelist" -> rrlWhitelist = value;
            case "--rrl-ipv4-prefix" -> rrlV4 = value;
            case "--rrl-ipv6-prefix" -> rrlV6 = value;
            case "--ixfr-versions" -> ixfrVersions = value;
            case "--ixfr-records" -> ixfrRecords = value;
            case "--state-dir" -> stateDir = value;
            case "--snapshot-interval" -> snapshotInterval = value;
            case "--standby-poll-ms" -> standbyPoll = value;
            default -> throw new UsageException("serve: unknown flag " + args[i]);
          }
        }
        return new Serve(
            hostPort("--listen", listen),
            hostPort("--http", http),
            xfr(allow, notify, tsigFile, env.getOrDefault("DNSPLANE_AUTHDNS_TSIG_KEYS", ""))
                .withJournal(journal(ixfrVersions, ixfrRecords)),
            rrl(rrlRate, rrlSlip, rrlWhitelist, rrlV4, rrlV6),
            persist(stateDir, snapshotInterval, env),
            standbyPoll(standbyPoll));
      }
      case "migrate" -> {
        if (args.length > 1) {
          throw new UsageException("migrate: unexpected argument " + args[1]);
        }
        return new Migrate();
      }
      case "zone" -> {
        return zone(args);
      }
      default -> throw new UsageException("unknown command " + args[0]);
    }
  }

  private static Cli zone(String[] args) throws UsageException {
    if (args.length < 3) {
      throw new UsageException("zone: expected 'zone import FILE' or 'zone export NAME'");
    }
    switch (args[1]) {
      case "import" -> {
        Name origin = null;
        for (int i = 3; i < args.length; i += 2) {
          if (!args[i].equals("--origin")) {
            throw new UsageException("zone import: unknown flag " + args[i]);
          }
          origin = name("--origin", value(args, i));
        }
        return new Import(Path.of(args[2]), origin);
      }
      case "export" -> {
        if (args.length > 3) {
          throw new UsageException("zone export: unexpected argument " + args[3]);
        }
        return new Export(name("zone name", args[2]));
      }
      default -> throw new UsageException("zone: unknown subcommand " + args[1]);
    }
  }

  private static XfrConfig xfr(String allow, String notify, String tsigFile, String tsigInline)
      throws UsageException {
    TransferAcl acl;
    try {
      acl = TransferAcl.parse(allow);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--allow-transfer: " + e.getMessage());
    }
    List<NotifyTarget> targets = new ArrayList<>();
    for (String t : notify.split(",")) {
      if (!t.isBlank()) {
        // HOST:PORT [KEY], as NSD's "notify: ADDRESS KEY".
        String[] words = t.trim().split("\\s+");
        if (words.length > 2) {
          throw new UsageException("--notify: expected HOST:PORT [KEY], got " + t.trim());
        }
        targets.add(
            new NotifyTarget(
                hostPort("--notify", words[0]),
                words.length == 2 && !words[1].equalsIgnoreCase("NOKEY")
                    ? name("--notify key", words[1])
                    : null));
      }
    }
    List<TsigKey> keys = new ArrayList<>();
    try {
      if (!tsigFile.isBlank()) {
        keys.addAll(TsigKeyFile.read(Path.of(tsigFile)));
      }
      keys.addAll(TsigKeyFile.parseInline(tsigInline, "DNSPLANE_AUTHDNS_TSIG_KEYS"));
      return new XfrConfig(acl, targets, TsigKeys.of(keys));
    } catch (TsigKeyFile.TsigConfigException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static java.time.Duration standbyPoll(String text) throws UsageException {
    int ms = number("--standby-poll-ms", text);
    if (ms < 1 || ms > 60_000) {
      throw new UsageException("--standby-poll-ms: between 1 and 60000, got " + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  private static PersistConfig persist(String dir, String interval, Map<String, String> env)
      throws UsageException {
    int seconds = number("--snapshot-interval", interval);
    if (seconds < 1) {
      throw new UsageException("--snapshot-interval: must be at least 1 second, got " + seconds);
    }
    if (dir.equals("none")) {
      return PersistConfig.NONE;
    }
    Path path = dir.isBlank() ? PersistConfig.defaultDir(env) : Path.of(dir);
    long stall = 0;
    String fault = env.getOrDefault("DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES", "");
    if (!fault.isBlank()) {
      stall = number("DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES", fault);
    }
    return new PersistConfig(
        path,
        new dnsplane.authdns.persist.SnapshotPersister.Policy(
            java.time.Duration.ofSeconds(seconds),
            dnsplane.authdns.persist.SnapshotPersister.Policy.defaults().busyFactor()),
        stall);
  }

  private static RrlConfig rrl(String rate, String slip, String whitelist, String v4, String v6)
      throws UsageException {
    try {
      return RrlConfig.OFF
          .withRate(number("--rrl-rate", rate))
          .withSlip(number("--rrl-slip", slip))
          .withPrefixLengths(number("--rrl-ipv4-prefix", v4), number("--rrl-ipv6-prefix", v6))
          .withWhitelist(Cidr.parseList(whitelist));
    } catch (IllegalArgumentException e) {
      throw new UsageException("rate limiting: " + e.getMessage());
    }
  }

  /** The IXFR journal's bounds per zone (--ixfr-versions, --ixfr-records). */
  private static JournalLimits journal(String versions, String records) throws UsageException {
    try {
      return new JournalLimits(
          number("--ixfr-versions", versions), number("--ixfr-records", records));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static int number(String flag, String text) throws UsageException {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(flag + ": not a number: " + text);
    }
  }

  private static String value(String[] args, int i) throws UsageException {
    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
      throw new UsageException(args[i] + " needs a value");
    }
    return args[i + 1];
  }

  private static Name name(String what, String text) throws UsageException {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new UsageException(what + ": bad name " + text + " (" + e.getMessage() + ")");
    }
  }

  /** HOST:PORT or [V6]:PORT. */
  static InetSocketAddress hostPort(String flag, String text) throws UsageException {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new UsageException(flag + ": expected HOST:PORT, got " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new UsageException(flag + ": write IPv6 addresses as [ADDR]:PORT, got " + text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(flag + ": bad port in " + text);
    }
    if (port < 0 || port > 65535) {
      throw new UsageException(flag + ": port out of range in " + text);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UsageException(flag + ": unknown host " + host);
    }
    return address;
  }
}
