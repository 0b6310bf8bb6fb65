package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import dnsplane.authdns.Main;
import dnsplane.authdns.persist.PersistConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class CliTest {

  @Test
  void serveDefaultsThenEnvironmentThenFlags() throws Exception {
    Cli.Serve d = assertInstanceOf(Cli.Serve.class, Cli.parse(new String[] {"serve"}, Map.of()));
    assertEquals(new InetSocketAddress("127.0.0.1", 1053), d.listen());
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), d.http());
    Cli.Serve env =
        assertInstanceOf(
            Cli.Serve.class,
            Cli.parse(new String[] {"serve"}, Map.of("DNSPLANE_AUTHDNS_LISTEN", "127.0.0.2:53")));
    assertEquals(new InetSocketAddress("127.0.0.2", 53), env.listen());
    Cli.Serve flags =
        assertInstanceOf(
            Cli.Serve.class,
            Cli.parse(
                new String[] {"serve", "--listen", "[::1]:5353", "--http", "127.0.0.1:0"},
                Map.of("DNSPLANE_AUTHDNS_LISTEN", "127.0.0.2:53")));
    assertEquals(new InetSocketAddress("::1", 5353), flags.listen());
    assertEquals(0, flags.http().getPort());
  }

  @Test
  void theSnapshotIsKeptUnderTheStateDirectory() throws Exception {
    Cli.Serve d =
        (Cli.Serve) Cli.parse(new String[] {"serve"}, Map.of("DNSPLANE_STATE_DIR", "/srv/dp"));
    assertEquals(java.nio.file.Path.of("/srv/dp/authdns"), d.persist().dir());
    assertEquals(java.time.Duration.ofSeconds(5), d.persist().policy().minInterval());
    Cli.Serve xdg = (Cli.Serve) Cli.parse(new String[] {"serve"}, Map.of("XDG_STATE_HOME", "/x"));
    assertEquals(java.nio.file.Path.of("/x/dnsplane/authdns"), xdg.persist().dir());
    Cli.Serve flag =
        (Cli.Serve)
            Cli.parse(
                new String[] {"serve", "--state-dir", "/var/lib/a", "--snapshot-interval", "30"},
                Map.of("DNSPLANE_STATE_DIR", "/srv/dp"));
    assertEquals(java.nio.file.Path.of("/var/lib/a"), flag.persist().dir());
    assertEquals(java.time.Duration.ofSeconds(30), flag.persist().policy().minInterval());
    Cli.Serve none = (Cli.Serve) Cli.parse(new String[] {"serve", "--state-dir", "none"}, Map.of());
    assertEquals(false, none.persist().enabled());
    assertMessage("at least 1 second", "serve", "--snapshot-interval", "0");
    assertEquals(java.util.List.of(), flag.persist().seeds());
    Cli.Serve seeded =
        (Cli.Serve)
            Cli.parse(
                new String[] {"serve", "--seed-from", "10.0.0.2:8080,http://[::1]:8080/"},
                Map.of());
    assertEquals(
        java.util.List.of(
            java.net.URI.create("http://10.0.0.2:8080/v1/snapshot"),
            java.net.URI.create("http://[::1]:8080/v1/snapshot")),
        seeded.persist().seeds());
    Cli.Serve seededNoCopy =
        (Cli.Serve)
            Cli.parse(
                new String[] {"serve", "--state-dir", "none"},
                Map.of("DNSPLANE_AUTHDNS_SEED_FROM", "10.0.0.3:8080"));
    assertEquals(false, seededNoCopy.persist().enabled());
    assertEquals(
        java.util.List.of(java.net.URI.create("http://10.0.0.3:8080/v1/snapshot")),
        seededNoCopy.persist().seeds());
    assertMessage(
        "--seed-from: not a peer address (http://HOST:PORT, the peer's --http): ftp://p:21",
        "serve",
        "--seed-from",
        "ftp://p:21");
    assertEquals(PersistConfig.Checkpoints.WRITE, flag.persist().checkpoints(), "the default");
    assertEquals(PersistConfig.Checkpoints.WRITE, none.persist().checkpoints(), "with no copy too");
    assertEquals(
        PersistConfig.Checkpoints.READ,
        ((Cli.Serve) Cli.parse(new String[] {"serve", "--checkpoints", "read"}, Map.of()))
            .persist()
            .checkpoints());
    assertEquals(
        PersistConfig.Checkpoints.OFF,
        ((Cli.Serve)
                Cli.parse(
                    new String[] {"serve", "--state-dir", "none"},
                    Map.of("DNSPLANE_AUTHDNS_CHECKPOINTS", "off")))
            .persist()
            .checkpoints());
    assertMessage("must be write, read or off", "serve", "--checkpoints", "always");
    assertInstanceOf(Cli.Migrate.class, Cli.parse(new String[] {"migrate"}, Map.of()));
    assertMessage("'now'", "migrate", "now");
  }

  @Test
  void zoneCommands() throws Exception {
    Cli.Import i =
        assertInstanceOf(
            Cli.Import.class,
            Cli.parse(
                new String[] {"zone", "import", "z.zone", "--origin", "Example.ORG"}, Map.of()));
    assertEquals(Name.fromString("example.org."), i.origin());
    assertTrue(i.checkpoint(), "an import writes a checkpoint when one is due, unless told not to");
    assertFalse(
        ((Cli.Import)
                Cli.parse(new String[] {"zone", "import", "--no-checkpoint", "z.zone"}, Map.of()))
            .checkpoint());
    Cli.Export e =
        assertInstanceOf(
            Cli.Export.class, Cli.parse(new String[] {"zone", "export", "example.org"}, Map.of()));
    assertEquals(Name.fromString("example.org."), e.zone());
    assertInstanceOf(
        Cli.Checkpoint.class, Cli.parse(new String[] {"zone", "checkpoint"}, Map.of()));
    assertMessage("'now'", "zone", "checkpoint", "now");
  }

  @Test
  void badCommandLinesSayWhatIsWrong() {
    assertMessage("Unknown options: '--port'", "serve", "--port", "53");
    assertMessage("'--listen'", "serve", "--listen");
    assertMessage("'--listen' but found '--http'", "serve", "--listen", "--http", "127.0.0.1:1");
    assertMessage("--listen: expected HOST:PORT, got '1053'", "serve", "--listen", "1053");
    assertMessage(
        "--listen: port out of range, got '127.0.0.1:70000'",
        "serve",
        "--listen",
        "127.0.0.1:70000");
    assertMessage("--http: write IPv6 addresses as [ADDR]:PORT", "serve", "--http", "::1:80");
    assertMessage(
        "--standby-poll-ms: between 1 and 60000, got '0'", "serve", "--standby-poll-ms", "0");
    assertMessage("'drop'", "zone", "drop", "x");
    assertMessage("expected 'zone import FILE', 'zone export NAME' or 'zone checkpoint'", "zone");
    assertMessage("FILE", "zone", "import");
    assertMessage("--origin: bad name 'a..b'", "zone", "import", "z.zone", "--origin", "a..b");
    assertMessage("'extra'", "zone", "export", "example.org", "extra");
    assertMessage("'frobnicate'", "frobnicate");
    assertMessage("no command", new String[0]);
  }

  @Test
  void aFlagWinsOverItsVariableWhichWinsOverTheDefault() throws Exception {
    Map<String, String> env =
        Map.of(
            "DNSPLANE_AUTHDNS_HTTP", "127.0.0.3:8000",
            "DNSPLANE_AUTHDNS_SNAPSHOT_INTERVAL", "9",
            "DNSPLANE_AUTHDNS_STANDBY_POLL_MS", "250",
            "DNSPLANE_AUTHDNS_STATE_DIR", "/from/env");
    Cli.Serve fromEnv = (Cli.Serve) Cli.parse(new String[] {"serve"}, env);
    assertEquals(new InetSocketAddress("127.0.0.1", 1053), fromEnv.listen(), "default");
    assertEquals(new InetSocketAddress("127.0.0.3", 8000), fromEnv.http(), "variable");
    assertEquals(java.time.Duration.ofSeconds(9), fromEnv.persist().policy().minInterval());
    assertEquals(java.time.Duration.ofMillis(250), fromEnv.standbyPoll());
    assertEquals(java.nio.file.Path.of("/from/env"), fromEnv.persist().dir());
    Cli.Serve flags =
        (Cli.Serve)
            Cli.parse(
                new String[] {
                  "serve",
                  "--http",
                  "127.0.0.4:8001",
                  "--snapshot-interval",
                  "11",
                  "--standby-poll-ms",
                  "7",
                  "--state-dir",
                  "/from/flag"
                },
                env);
    assertEquals(new InetSocketAddress("127.0.0.4", 8001), flags.http());
    assertEquals(java.time.Duration.ofSeconds(11), flags.persist().policy().minInterval());
    assertEquals(java.time.Duration.ofMillis(7), flags.standbyPoll());
    assertEquals(java.nio.file.Path.of("/from/flag"), flags.persist().dir());
  }

  @Test
  void flagsTakeTheirValueAfterAnEqualsSignAndTheLastOfARepeatedFlagWins() throws Exception {
    Cli.Serve s =
        (Cli.Serve)
            Cli.parse(
                new String[] {
                  "serve",
                  "--listen=[::1]:5353",
                  "--http",
                  "127.0.0.1:1",
                  "--http=127.0.0.1:2",
                  "--rrl-rate=5"
                },
                Map.of());
    assertEquals(new InetSocketAddress("::1", 5353), s.listen());
    assertEquals(2, s.http().getPort());
    assertEquals(5, s.rrl().rate());
    Cli.Import i =
        (Cli.Import)
            Cli.parse(new String[] {"zone", "import", "--origin=example.net", "a.zone"}, Map.of());
    assertEquals(Name.fromString("example.net."), i.origin());
    assertEquals(java.nio.file.Path.of("a.zone"), i.file());
  }

  @Test
  void aFileNamedWithAnAtSignIsAFileNotArguments() throws Exception {
    Cli.Import i =
        (Cli.Import) Cli.parse(new String[] {"zone", "import", "@example.zone"}, Map.of());
    assertEquals(java.nio.file.Path.of("@example.zone"), i.file());
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() {
    Cli.UsageException e =
        assertThrows(
            Cli.UsageException.class,
            () -> Cli.parse(new String[] {"serve"}, Map.of("DNSPLANE_AUTHDNS_RRL_SLIP", "many")));
    assertTrue(e.getMessage().contains("DNSPLANE_AUTHDNS_RRL_SLIP (--rrl-slip)"), e.getMessage());
    assertTrue(e.getMessage().contains("'many'"), e.getMessage());
    Cli.UsageException flag =
        assertThrows(
            Cli.UsageException.class,
            () ->
                Cli.parse(
                    new String[] {"serve", "--rrl-slip", "lots"},
                    Map.of("DNSPLANE_AUTHDNS_RRL_SLIP", "many")));
    assertTrue(flag.getMessage().startsWith("--rrl-slip: "), flag.getMessage());
    assertTrue(flag.getMessage().contains("'lots'"), flag.getMessage());
  }

  @Test
  void helpIsAskedForInEveryForm() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"-h"},
            new String[] {"help"},
            new String[] {"help", "serve"},
            new String[] {"serve", "--help"},
            new String[] {"serve", "--listen", "bad", "-h"},
            new String[] {"zone", "import", "--help"})) {
      assertInstanceOf(Cli.Help.class, Cli.parse(args, Map.of()), String.join(" ", args));
    }
  }

  @Test
  void helpGoesToStdoutWithExit0AndListsTheVariables() {
    MainRun top = run("--help");
    assertEquals(0, top.code());
    assertEquals("", top.err());
    assertTrue(top.out().startsWith("Usage: authdns [-h] COMMAND"), top.out());
    for (String command : List.of("serve", "migrate", "zone", "help")) {
      assertTrue(top.out().contains("  " + command + " "), command + " in " + top.out());
    }
    assertTrue(top.out().contains("DNSPLANE_AUTHDNS_LISTEN"), top.out());
    assertTrue(top.out().contains("DNSPLANE_DB_URL"), top.out());

    MainRun serve = run("serve", "--help");
    assertEquals(0, serve.code());
    assertTrue(serve.out().startsWith("Usage: authdns serve"), serve.out());
    for (String variable :
        List.of(
            "DNSPLANE_AUTHDNS_LISTEN",
            "DNSPLANE_AUTHDNS_HTTP",
            "DNSPLANE_AUTHDNS_ALLOW_TRANSFER",
            "DNSPLANE_AUTHDNS_NOTIFY",
            "DNSPLANE_AUTHDNS_TSIG_KEYS_FILE",
            "DNSPLANE_AUTHDNS_TSIG_KEYS",
            "DNSPLANE_AUTHDNS_RRL_RATE",
            "DNSPLANE_AUTHDNS_RRL_SLIP",
            "DNSPLANE_AUTHDNS_RRL_WHITELIST",
            "DNSPLANE_AUTHDNS_RRL_IPV4_PREFIX",
            "DNSPLANE_AUTHDNS_RRL_IPV6_PREFIX",
            "DNSPLANE_AUTHDNS_IXFR_VERSIONS",
            "DNSPLANE_AUTHDNS_IXFR_RECORDS",
            "DNSPLANE_AUTHDNS_STATE_DIR",
            "DNSPLANE_AUTHDNS_SNAPSHOT_INTERVAL",
            "DNSPLANE_AUTHDNS_SEED_FROM",
            "DNSPLANE_AUTHDNS_CHECKPOINTS",
            "DNSPLANE_AUTHDNS_STANDBY_POLL_MS",
            "DNSPLANE_STATE_DIR",
            "DNSPLANE_DB_URL")) {
      assertTrue(serve.out().contains(variable), variable + " in " + serve.out());
    }
    // The explanation of what serve does is part of its help (wrapped to the terminal).
    String text = serve.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("never from the command line"), text);
    assertTrue(text.contains("2 min lifetime"), text);
    assertTrue(text.contains("--listen=HOST:PORT DNS address"), text);
    assertTrue(text.contains("(default 127.0.0.1:1053)"), text);
    // Inline keys are never a flag.
    assertFalse(serve.out().contains("--tsig-keys-"), serve.out());

    MainRun zoneImport = run("zone", "import", "--help");
    assertEquals(0, zoneImport.code());
    assertTrue(zoneImport.out().startsWith("Usage: authdns zone import"), zoneImport.out());
    assertTrue(zoneImport.out().contains("--origin=NAME"), zoneImport.out());
    assertTrue(
        zoneImport.out().contains("plan-managed") || zoneImport.out().contains("Plan-managed"));
    assertTrue(zoneImport.out().contains("DNSPLANE_DB_URL"), zoneImport.out());

    MainRun helpCommand = run("help", "zone", "export");
    assertEquals(0, helpCommand.code());
    assertTrue(helpCommand.out().startsWith("Usage: authdns zone export"), helpCommand.out());
  }

  @Test
  void aBadCommandLineExits2WithTheReasonAndTheSynopsisOnStderr() {
    MainRun bogus = run("serve", "--bogus");
    assertEquals(2, bogus.code());
    assertEquals("", bogus.out());
    assertTrue(bogus.err().startsWith("authdns: "), bogus.err());
    assertTrue(bogus.err().contains("'--bogus'"), bogus.err());
    assertTrue(bogus.err().contains("usage: authdns serve"), bogus.err());

    MainRun value = run("serve", "--rrl-ipv6-prefix", "128");
    assertEquals(2, value.code());
    assertTrue(
        value.err().startsWith("authdns: --rrl-ipv6-prefix: IPv6 prefix length must be in 1..64"),
        value.err());
    assertTrue(value.err().contains("'128'"), value.err());

    MainRun none = run();
    assertEquals(2, none.code());
    assertTrue(none.err().startsWith("authdns: no command given"), none.err());
    assertTrue(none.err().contains("usage: authdns [-h] COMMAND"), none.err());

    MainRun unknownHelp = run("help", "nope");
    assertEquals(2, unknownHelp.code());
    assertTrue(unknownHelp.err().contains("'nope'"), unknownHelp.err());
  }

  @Test
  void usageErrorsExitWith2BeforeTouchingTheDatabase() {
    assertEquals(2, Main.run(new String[] {"serve", "--bogus", "x"}));
    assertEquals(0, Main.run(new String[] {"--help"}));
  }

  private static MainRun run(String... args) {
    return MainRun.of(Map.of(), args);
  }

  private static void assertMessage(String expected, String... args) {
    Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> Cli.parse(args, Map.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
