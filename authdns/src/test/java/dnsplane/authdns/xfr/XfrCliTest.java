package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transfer flags of {@code authdns serve}: flags over environment over defaults. */
class XfrCliTest {

  @Test
  void defaultsAreLoopbackTransfersAndNoNotify() throws Exception {
    Cli.Serve s = (Cli.Serve) Cli.parse(new String[] {"serve"}, Map.of());
    assertTrue(s.xfr().allowTransfer().allows(InetAddress.getByName("127.0.0.1")));
    assertTrue(s.xfr().allowTransfer().allows(InetAddress.getByName("::1")));
    assertTrue(!s.xfr().allowTransfer().allows(InetAddress.getByName("192.0.2.1")));
    assertEquals(List.of(), s.xfr().notifyTargets());
  }

  @Test
  void flagsWinOverTheEnvironment() throws Exception {
    Map<String, String> env =
        Map.of(
            "DNSPLANE_AUTHDNS_ALLOW_TRANSFER", "10.0.0.0/8",
            "DNSPLANE_AUTHDNS_NOTIFY", "127.0.0.1:5300");
    Cli.Serve fromEnv = (Cli.Serve) Cli.parse(new String[] {"serve"}, env);
    assertTrue(fromEnv.xfr().allowTransfer().allows(InetAddress.getByName("10.1.2.3")));
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 5300)), fromEnv.xfr().notifyTargets());
    Cli.Serve s =
        (Cli.Serve)
            Cli.parse(
                new String[] {
                  "serve", "--allow-transfer", "192.0.2.0/24", "--notify", "127.0.0.1:1,[::1]:2"
                },
                env);
    assertTrue(!s.xfr().allowTransfer().allows(InetAddress.getByName("10.1.2.3")));
    assertTrue(s.xfr().allowTransfer().allows(InetAddress.getByName("192.0.2.9")));
    assertEquals(
        List.of(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("::1", 2)),
        s.xfr().notifyTargets());
  }

  @Test
  void anEmptyVariableStillMeansEmpty() throws Exception {
    Cli.Serve nobody =
        (Cli.Serve)
            Cli.parse(new String[] {"serve"}, Map.of("DNSPLANE_AUTHDNS_ALLOW_TRANSFER", ""));
    assertFalse(nobody.xfr().allowTransfer().allows(InetAddress.getByName("127.0.0.1")));
    assertFalse(nobody.xfr().allowTransfer().allows(InetAddress.getByName("::1")));
    Cli.Serve flag =
        (Cli.Serve)
            Cli.parse(
                new String[] {"serve", "--allow-transfer="},
                Map.of("DNSPLANE_AUTHDNS_ALLOW_TRANSFER", "10.0.0.0/8"));
    assertFalse(flag.xfr().allowTransfer().allows(InetAddress.getByName("10.1.2.3")));
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlagAndTheText() {
    assertMessage(
        List.of("--allow-transfer", "10.0.0.0/99"), "serve", "--allow-transfer", "10.0.0.0/99");
    assertMessage(List.of("--notify", "'nohostport'"), "serve", "--notify", "nohostport");
    assertMessage(
        List.of("--notify", "expected HOST:PORT [KEY]", "127.0.0.1:53 k1 k2"),
        "serve",
        "--notify",
        "127.0.0.1:53 k1 k2");
    Cli.UsageException env =
        assertThrows(
            Cli.UsageException.class,
            () ->
                Cli.parse(new String[] {"serve"}, Map.of("DNSPLANE_AUTHDNS_NOTIFY", "nohostport")));
    assertTrue(
        env.getMessage().contains("DNSPLANE_AUTHDNS_NOTIFY (--notify)")
            && env.getMessage().contains("'nohostport'"),
        env.getMessage());
  }

  private static void assertMessage(List<String> expected, String... args) {
    Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> Cli.parse(args, Map.of()));
    for (String part : expected) {
      assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
    }
  }
}
