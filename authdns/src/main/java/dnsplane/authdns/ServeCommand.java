package dnsplane.authdns;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.rrl.RrlConfig;
import dnsplane.db.cli.Env;
import dnsplane.db.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ServeCommand is {@code authdns serve} as a picocli command: its help and its flags, each with the
 * variable it falls back to. It has a file of its own because it is most of the command line; the
 * flags are read as text, for {@link ServeValues} to check, so that a bad value is reported naming
 * the flag.
 */
@Command(
    name = "serve",
    sortOptions = false,
    sortSynopsis = false,
    abbreviateSynopsis = true,
    description = {
      "Answer DNS (UDP and TCP) from PostgreSQL's zones, with health and metrics on HTTP.",
      "",
      "AXFR/IXFR over TCP for --allow-transfer (default loopback), NOTIFY to --notify on each"
          + " change; an entry with a TSIG KEY needs requests signed with it / signs the NOTIFY."
          + " Keys come from FILE (BIND 'key' statements, mode 600) or"
          + " DNSPLANE_AUTHDNS_TSIG_KEYS ('ALG:NAME:SECRET,...'), never from the command line.",
      "",
      "IXFR sends differences from a journal of each zone's last --ixfr-versions versions"
          + " holding up to --ixfr-records records (0 versions: always the whole zone), else"
          + " the whole zone.",
      "",
      "--rrl-rate N limits UDP responses to N/s per client /24 (IPv4) or /56 (IPv6) and kind"
          + " of answer (default 0: off); every --rrl-slip-th limited response (0 drops all)"
          + " goes out truncated so real clients retry over TCP, which is never limited;"
          + " --rrl-whitelist networks are exempt.",
      "",
      "TCP: 1024 connections, 10 s idle (2 s when over half are open), 2 s to receive a query,"
          + " 2 min lifetime, 100 replies queued.",
      "",
      "The snapshot is saved to --state-dir at most every --snapshot-interval seconds and served at"
          + " start, so authdns answers while PostgreSQL is down. With no copy of its own it asks"
          + " the --seed-from peers (running authdns servers' --http) for theirs first (GET"
          + " /v1/snapshot, allowed to --allow-transfer addresses), then the newest snapshot"
          + " checkpoint in PostgreSQL (one read of the whole snapshot, then the changes after it;"
          + " servers write one after their first load and once a twentieth of the data has"
          + " changed, at most once a minute, given the dnsplane_checkpoint_writer role), then"
          + " follows PostgreSQL from there. Serving needs read rights only and never migrates. On"
          + " a hot standby (no LISTEN there) the change log is polled every --standby-poll-ms.",
    },
    optionListHeading = "%nFlags:%n")
final class ServeCommand {
  @Mixin HelpOption help;

  @Env("DNSPLANE_AUTHDNS_LISTEN")
  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:1053",
      description = "DNS address, UDP and TCP; IPv6 as [ADDR]:PORT (default 127.0.0.1:1053).")
  String listen;

  @Env("DNSPLANE_AUTHDNS_HTTP")
  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "HTTP address for /health and /metrics (default 127.0.0.1:8080).")
  String http;

  @Env("DNSPLANE_AUTHDNS_ALLOW_TRANSFER")
  @Option(
      names = "--allow-transfer",
      paramLabel = "'CIDR [KEY][,...]'",
      defaultValue = "127.0.0.0/8,::1",
      description =
          "Who may AXFR/IXFR; KEY: requests must be signed with that TSIG key (default"
              + " 127.0.0.0/8,::1 unsigned; empty: nobody).")
  String allowTransfer;

  @Env("DNSPLANE_AUTHDNS_NOTIFY")
  @Option(
      names = "--notify",
      paramLabel = "'HOST:PORT [KEY][,...]'",
      defaultValue = "",
      description = "Secondaries sent a NOTIFY on each change, signed with KEY (default none).")
  String notify;

  @Env("DNSPLANE_AUTHDNS_TSIG_KEYS_FILE")
  @Option(
      names = "--tsig-keys",
      paramLabel = "FILE",
      defaultValue = "",
      description = "TSIG keys as BIND 'key' statements; mode 600 (default none).")
  String tsigKeys;

  @Env("DNSPLANE_AUTHDNS_STATE_DIR")
  @Option(
      names = "--state-dir",
      paramLabel = "DIR|none",
      defaultValue = "",
      description =
          "Where the snapshot copy is kept, 'none' for nowhere (default"
              + " $DNSPLANE_STATE_DIR/authdns, else $XDG_STATE_HOME/dnsplane/authdns, else"
              + " $HOME/.local/state/dnsplane/authdns).")
  String stateDir;

  @Env("DNSPLANE_AUTHDNS_SEED_FROM")
  @Option(
      names = "--seed-from",
      paramLabel = "'URL[,...]'",
      defaultValue = "",
      description =
          "Peers (http://HOST:PORT, their --http) asked in order for a first snapshot when"
              + " --state-dir holds none (default none).")
  String seedFrom;

  @Env("DNSPLANE_AUTHDNS_CHECKPOINTS")
  @Option(
      names = "--checkpoints",
      paramLabel = "write|read|off",
      defaultValue = "write",
      description =
          "Snapshot checkpoints in PostgreSQL: start from the newest when there is no copy of"
              + " its own, and write them (write, the default); only start from them (read); or"
              + " neither (off).")
  String checkpoints;

  @Env("DNSPLANE_AUTHDNS_SNAPSHOT_INTERVAL")
  @Option(
      names = "--snapshot-interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Least seconds between two saves (default 5; or 50x the last save's time).")
  String snapshotInterval;

  @Env("DNSPLANE_AUTHDNS_STANDBY_POLL_MS")
  @Option(
      names = "--standby-poll-ms",
      paramLabel = "MS",
      defaultValue = "100",
      description = "Change-log poll on a hot standby, 1 to 60000 ms (default 100).")
  String standbyPollMs;

  @Env("DNSPLANE_AUTHDNS_RRL_RATE")
  @Option(
      names = "--rrl-rate",
      paramLabel = "N",
      defaultValue = "0",
      description = "UDP responses per second per bucket (default 0: rate limiting off).")
  String rrlRate;

  @Env("DNSPLANE_AUTHDNS_RRL_SLIP")
  @Option(
      names = "--rrl-slip",
      paramLabel = "N",
      defaultValue = "" + RrlConfig.DEFAULT_SLIP,
      description = "Every N-th limited response is sent truncated (default 2; 0: drop all).")
  String rrlSlip;

  @Env("DNSPLANE_AUTHDNS_RRL_WHITELIST")
  @Option(
      names = "--rrl-whitelist",
      paramLabel = "CIDR[,CIDR...]",
      defaultValue = "",
      description = "Networks exempt from rate limiting (default none).")
  String rrlWhitelist;

  @Env("DNSPLANE_AUTHDNS_RRL_IPV4_PREFIX")
  @Option(
      names = "--rrl-ipv4-prefix",
      paramLabel = "LEN",
      defaultValue = "" + RrlConfig.DEFAULT_IPV4_PREFIX,
      description = "IPv4 clients share a bucket per /LEN, 1 to 32 (default 24).")
  String rrlIpv4Prefix;

  @Env("DNSPLANE_AUTHDNS_RRL_IPV6_PREFIX")
  @Option(
      names = "--rrl-ipv6-prefix",
      paramLabel = "LEN",
      defaultValue = "" + RrlConfig.DEFAULT_IPV6_PREFIX,
      description = "IPv6 clients share a bucket per /LEN, 1 to 64 (default 56).")
  String rrlIpv6Prefix;

  @Env("DNSPLANE_AUTHDNS_IXFR_VERSIONS")
  @Option(
      names = "--ixfr-versions",
      paramLabel = "N",
      defaultValue = "" + JournalLimits.DEFAULT_VERSIONS,
      description = "IXFR journal: versions kept per zone (default 1000; 0: journal off).")
  String ixfrVersions;

  @Env("DNSPLANE_AUTHDNS_IXFR_RECORDS")
  @Option(
      names = "--ixfr-records",
      paramLabel = "N",
      defaultValue = "" + JournalLimits.DEFAULT_RECORDS,
      description = "IXFR journal: records kept per zone, all versions (default 100000).")
  String ixfrRecords;
}
