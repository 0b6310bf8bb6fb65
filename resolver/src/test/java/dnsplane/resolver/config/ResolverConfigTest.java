package dnsplane.resolver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.net.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

class ResolverConfigTest {
  @Test
  void defaultsAreThoseOfTheReadme() {
    ResolverConfig c = ResolverConfig.defaultConfig();
    assertEquals(1054, c.listen().getPort());
    assertEquals(8085, c.http().getPort());
    assertEquals("aws.test.", c.stubZones().get(0).zone().toString());
    assertEquals(1053, c.stubZones().get(0).servers().get(0).getPort());
    assertEquals(Rcode.REFUSED, c.noRouteRcode());
    assertEquals(3600, c.maxNegativeTtl());
    assertEquals(Duration.ofDays(1), c.staleMax());
    assertEquals(30, c.staleTtl());
    assertTrue(c.guard());
    assertEquals(Duration.ofMinutes(5), c.guardConfirm());
    assertEquals(10_000, c.guardMemory());
    assertEquals(64L * 1024 * 1024, c.cacheMaxBytes());
  }

  @Test
  void limitDefaultsAreThoseOfTheReadme() {
    ResolverConfig c = ResolverConfig.defaultConfig();
    assertEquals(5000, c.rateLimit());
    assertEquals(1024, c.maxPendingMisses());
    assertEquals(Duration.ofSeconds(10), c.tcpIdleTimeout());
    assertEquals(Duration.ofMinutes(2), c.tcpMaxLifetime());
    assertEquals(1024, c.tcpMaxConnections());
    assertEquals(32, c.tcpPipeline());
  }

  @Test
  void limitsMustLetSomethingThrough() {
    for (String key : new String[] {"max-pending-misses", "tcp-max-connections", "tcp-pipeline"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ResolverConfig.from(Map.of(key, "0")));
      assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
    }
    for (String key : new String[] {"tcp-idle-timeout", "tcp-max-lifetime"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> ResolverConfig.from(Map.of(key, "0s")));
      assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
    }
    assertEquals(
        0,
        ResolverConfig.from(Map.of("rate-limit", "0")).rateLimit(),
        "0 turns the rate limit off");
  }

  @Test
  void fileThenEnvThenFlags(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("resolver.yaml");
    Files.writeString(
        f,
        """
        max-ttl: 300
        guard: off
        stub-zones:
          aws.test.: [127.0.0.1:1053, "127.0.0.1:1055"]
          corp.aws.test.: 127.0.0.1:1056
        allow: [127.0.0.0/8, 10.0.0.0/8]
        """);
    ResolverConfig c =
        ConfigLoader.load(
            new String[] {"--config", f.toString(), "--max-ttl", "120", "--listen=127.0.0.1:5300"},
            Map.of("DNSPLANE_RESOLVER_MAX_TTL", "200", "DNSPLANE_RESOLVER_STALE_TTL", "10"));
    assertEquals(120, c.maxTtl(), "flag wins over env and file");
    assertEquals(10, c.staleTtl(), "env wins over default");
    assertFalse(c.guard());
    assertEquals(2, c.stubZones().size());
    assertEquals("corp.aws.test.", c.stubZones().get(0).zone().toString(), "longest zone first");
    assertEquals(2, c.stubZones().get(1).servers().size());
    assertEquals(5300, c.listen().getPort());
    assertEquals(2, c.allow().size());
  }

  @Test
  void badValuesNameTheKey() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("stale-max", "forever")));
    assertTrue(e.getMessage().startsWith("stale-max"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> ResolverConfig.from(Map.of("max-tll", "5")));
    assertTrue(e.getMessage().contains("max-tll"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> ResolverConfig.from(Map.of("no-route", "drop")));
    assertTrue(e.getMessage().startsWith("no-route"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("guard-memory", "-1")));
    assertTrue(e.getMessage().startsWith("guard-memory"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("forwarder", "dns.google")));
    assertTrue(e.getMessage().startsWith("forwarder"), e.getMessage());
  }

  @Test
  void allowListEntriesAreSharedCidrsAndBadOnesNameTheKey() {
    ResolverConfig c = ResolverConfig.from(Map.of("allow", "127.0.0.0/8, ::ffff:10.0.0.0/104"));
    assertEquals(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8")), c.allow());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("allow", "10.0.0.0/33")));
    assertEquals("allow: prefix length 33 in '10.0.0.0/33' is out of range 0-32", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("allow", "localhost")));
    assertTrue(
        e.getMessage().startsWith("allow: 'localhost' is not an IP address"), e.getMessage());
  }
}
