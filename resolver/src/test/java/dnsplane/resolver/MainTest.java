package dnsplane.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.config.Flags;
import dnsplane.resolver.config.ResolverConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The resolver's command line as Main sees it: help, usage errors and bad values. */
class MainTest {

  private record Outcome(int code, String out, String err, ResolverConfig config) {}

  private static Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicReference<ResolverConfig> config = new AtomicReference<>();
    int code =
        Main.configure(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            config::set);
    return new Outcome(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        config.get());
  }

  @Test
  void aGoodCommandLineMakesTheConfiguration() {
    Outcome o = run(Map.of("DNSPLANE_RESOLVER_PREFETCH", "9"), "--max-ttl", "60");
    assertEquals(0, o.code(), o.err());
    assertEquals(60, o.config().maxTtl());
    assertEquals(9, o.config().prefetch());
    assertEquals("", o.out() + o.err());
  }

  @Test
  void helpListsEveryKeyWithItsDefaultAndVariable() {
    for (String flag : new String[] {"--help", "-h"}) {
      Outcome o = run(Map.of(), "--listen", "127.0.0.1:1", flag);
      assertEquals(0, o.code());
      assertNull(o.config(), "help starts nothing");
      assertEquals("", o.err());
      String help = o.out();
      assertTrue(help.startsWith("Usage: resolver [-h] [--config FILE] [--KEY VALUE]..."), help);
      for (Map.Entry<String, Object> e : ResolverConfig.DEFAULTS.entrySet()) {
        assertTrue(help.contains("--" + e.getKey() + "="), e.getKey() + " in\n" + help);
        assertTrue(help.contains(Flags.variable(e.getKey())), e.getKey() + " in\n" + help);
      }
      assertTrue(help.contains("--stub-zone,"), help);
      assertTrue(help.contains("DNSPLANE_RESOLVER_CONFIG"), help);
      assertTrue(help.contains("DNSPLANE_API_TOKEN"), help);
    }
    String help = run(Map.of(), "--help").out();
    int at = help.indexOf("--max-negative-ttl=SECONDS");
    String entry = help.substring(at, help.indexOf("--", at + 2));
    assertTrue(entry.contains("Default: 3600;"), entry);
    assertTrue(entry.contains("variable: DNSPLANE_RESOLVER_MAX_NEGATIVE_TTL."), entry);
  }

  @Test
  void aCacheBoundPastHalfTheHeapIsRefusedNamingBoth() {
    long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
    Outcome o = run(Map.of(), "--cache-max-bytes", (heapMiB / 2 + 1) + "m");
    assertEquals(2, o.code(), o.err());
    assertNull(o.config(), "nothing starts");
    assertTrue(o.err().startsWith("resolver: cache-max-bytes: "), o.err());
    assertTrue(o.err().contains("the maximum heap (" + heapMiB + "m)"), o.err());
    assertTrue(o.err().contains("DNSPLANE_XMX"), o.err());
    assertEquals(0, run(Map.of(), "--cache-max-bytes", (heapMiB / 2) + "m").code(), "half fits");
  }

  @Test
  void anUnknownFlagIsAUsageErrorNamingIt() {
    Outcome o = run(Map.of(), "--bogus", "1");
    assertEquals(2, o.code());
    assertNull(o.config());
    assertEquals("", o.out());
    assertTrue(o.err().startsWith("resolver: "), o.err());
    assertTrue(o.err().lines().findFirst().orElseThrow().contains("--bogus"), o.err());
    assertTrue(o.err().contains("usage: resolver [-h] [--config FILE] [--KEY VALUE]..."), o.err());
  }

  @Test
  void aFlagWithoutItsValueIsAUsageError() {
    Outcome o = run(Map.of(), "--listen");
    assertEquals(2, o.code());
    assertTrue(o.err().startsWith("resolver: "), o.err());
    assertTrue(o.err().contains("--listen"), o.err());
    assertEquals(2, run(Map.of(), "stray").code(), "no positional arguments");
  }

  @Test
  void aBadValueIsAUsageErrorNamingTheKeyWhereverItCameFrom() {
    Outcome flag = run(Map.of(), "--no-route", "drop");
    assertEquals(2, flag.code());
    assertTrue(flag.err().startsWith("resolver: no-route: "), flag.err());
    Outcome env = run(Map.of("DNSPLANE_RESOLVER_STALE_MAX", "forever"));
    assertEquals(2, env.code());
    assertTrue(env.err().startsWith("resolver: stale-max: "), env.err());
    assertNull(env.config());
  }
}
