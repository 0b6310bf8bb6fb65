package dnsplane.resolver.fuzz;

import dnsplane.resolver.cache.GuardMemory;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.net.ClientAcl;
import dnsplane.resolver.net.QueryHandler;
import dnsplane.resolver.net.RateLimiter;
import dnsplane.resolver.resolve.Resolver;
import dnsplane.resolver.upstream.UpstreamClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Rig is one resolver as ResolverServer wires it (cache, guard memory, upstream client, query
 * handler), minus the sockets facing clients, made afresh for every fuzz input so that no input
 * depends on what an earlier one left in the cache. The clock is frozen: TTLs do not run down
 * between a miss and the hit after it, so both must render the same bytes.
 */
final class Rig {
  static final Name ZONE = Name.fromConstantString("aws.test.");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  /**
   * One client for every input: its sockets and event loop outlive a Rig, and it keeps no state
   * between questions besides them. Its settings are those every Rig gets (below).
   */
  private static final UpstreamClient UPSTREAM =
      new UpstreamClient(new Metrics(), Duration.ofSeconds(2), 1, Duration.ofMillis(50));

  final ResolverConfig cfg;
  final Metrics metrics = new Metrics();
  final ResponseCache cache;
  final Resolver resolver;
  final QueryHandler handler;

  Rig(int upstreamPort, Map<String, Object> overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put("listen", "127.0.0.1:0");
    m.put("http", "127.0.0.1:0");
    m.put("stub-zones", "aws.test.=127.0.0.1:" + upstreamPort);
    m.put("upstream-timeout", "2s");
    m.put("upstream-attempts", "1");
    m.put("client-timeout", "3s");
    m.put("rate-limit", "0");
    m.putAll(overrides);
    cfg = ResolverConfig.from(m);
    cache =
        new ResponseCache(
            cfg.cacheMaxEntries(), cfg.cacheMaxBytes(), cfg.staleMax().toMillis(), CLOCK);
    GuardMemory guard = new GuardMemory(cfg.guardMemory(), cfg.staleMax().toMillis());
    // Guard retries are background work; the frozen clock never makes them due, so drop them.
    resolver = new Resolver(cfg, cache, guard, UPSTREAM, metrics, CLOCK, (delay, task) -> {});
    handler =
        new QueryHandler(
            resolver, new ClientAcl(cfg.allow()), new RateLimiter(cfg.rateLimit(), CLOCK), metrics);
  }

  /** Every record of a cached rendering whose owner is outside {@code zone}, as text. */
  static List<String> outside(byte[] wire, Name zone) throws IOException {
    Message m = new Message(wire);
    List<String> bad = new java.util.ArrayList<>();
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : m.getSection(s)) {
        if (r.getType() != org.xbill.DNS.Type.OPT && !r.getName().subdomain(zone)) {
          bad.add(Section.string(s) + " " + r);
        }
      }
    }
    return bad;
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >>> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return sb.toString();
  }

  static void check(boolean ok, String what, String message) {
    if (!ok) {
      throw new AssertionError(what + ": " + message);
    }
  }
}
