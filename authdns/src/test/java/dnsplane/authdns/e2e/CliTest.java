package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import dnsplane.authdns.Main;
import java.net.InetSocketAddress;
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
    assertInstanceOf(Cli.Migrate.class, Cli.parse(new String[] {"migrate"}, Map.of()));
    assertMessage("migrate: unexpected argument", "migrate", "now");
  }

  @Test
  void zoneCommands() throws Exception {
    Cli.Import i =
        assertInstanceOf(
            Cli.Import.class,
            Cli.parse(
                new String[] {"zone", "import", "z.zone", "--origin", "Example.ORG"}, Map.of()));
    assertEquals(Name.fromString("example.org."), i.origin());
    Cli.Export e =
        assertInstanceOf(
            Cli.Export.class, Cli.parse(new String[] {"zone", "export", "example.org"}, Map.of()));
    assertEquals(Name.fromString("example.org."), e.zone());
  }

  @Test
  void badCommandLinesSayWhatIsWrong() {
    assertMessage("unknown flag --port", "serve", "--port", "53");
    assertMessage("--listen needs a value", "serve", "--listen");
    assertMessage("expected HOST:PORT", "serve", "--listen", "1053");
    assertMessage("port out of range", "serve", "--listen", "127.0.0.1:70000");
    assertMessage("unknown subcommand", "zone", "drop", "x");
    assertMessage("unknown command", "frobnicate");
    assertMessage("no command", new String[0]);
  }

  @Test
  void usageErrorsExitWith2BeforeTouchingTheDatabase() {
    assertEquals(2, Main.run(new String[] {"serve", "--bogus", "x"}));
    assertEquals(0, Main.run(new String[] {"--help"}));
  }

  private static void assertMessage(String expected, String... args) {
    Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> Cli.parse(args, Map.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
