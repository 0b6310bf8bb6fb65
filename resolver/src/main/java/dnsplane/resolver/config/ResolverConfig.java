package dnsplane.resolver.config;

import dnsplane.db.net.Cidr;
import dnsplane.db.net.ControlChannelGuard;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;

/**
 * ResolverConfig is the resolver's whole configuration, every key documented in resolver/README.md.
 * Built from a flat key → value map (file, then environment, then flags) by {@link #from}; defaults
 * are those of the README.
 */
public record ResolverConfig(
    InetSocketAddress listen,
    InetSocketAddress http,
    List<StubZone> stubZones,
    List<InetSocketAddress> forwarders,
    int noRouteRcode,
    int maxTtl,
    int maxNegativeTtl,
    Duration staleMax,
    int staleTtl,
    Duration staleRecheck,
    Duration clientTimeout,
    Duration upstreamTimeout,
    int upstreamAttempts,
    Duration upstreamBackoff,
    boolean guard,
    List<Name> guardSuffixes,
    Duration guardConfirm,
    Duration guardRetryMin,
    Duration guardRetryMax,
    int guardMemory,
    List<Cidr> allow,
    int rateLimit,
    int maxPendingMisses,
    Duration tcpIdleTimeout,
    Duration tcpMaxLifetime,
    int tcpMaxConnections,
    int tcpPipeline,
    long cacheMaxEntries,
    long cacheMaxBytes,
    int prefetch,
    String apiToken) {

  /** Never prints the token. */
  @Override
  public String toString() {
    return "ResolverConfig[listen="
        + listen
        + ", http="
        + http
        + ", apiToken="
        + (apiToken.isEmpty() ? "unset" : "set")
        + "]";
  }

  /** One stub zone: queries at or below {@code zone} go to {@code servers}. */
  public record StubZone(Name zone, List<InetSocketAddress> servers) {}

  /** Every key this resolver understands, with its default. */
  public static final Map<String, Object> DEFAULTS = defaults();

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("listen", "127.0.0.1:1054");
    d.put("http", "127.0.0.1:8085");
    d.put("stub-zones", "aws.test.=127.0.0.1:1053");
    d.put("forwarder", "");
    d.put("no-route", "refused");
    d.put("max-ttl", "86400");
    d.put("max-negative-ttl", "3600");
    d.put("stale-max", "1d");
    d.put("stale-ttl", "30");
    d.put("stale-recheck", "30s");
    d.put("client-timeout", "1800ms");
    d.put("upstream-timeout", "1s");
    d.put("upstream-attempts", "3");
    d.put("upstream-backoff", "50ms");
    d.put("guard", "on");
    d.put("guard-suffixes", "aws.test.");
    d.put("guard-confirm", "5m");
    d.put("guard-retry-min", "1s");
    d.put("guard-retry-max", "60s");
    d.put("guard-memory", "10000");
    d.put("allow", "127.0.0.0/8,::1/128");
    // far above any stub resolver or NAT'd office, far below a flood (resolver/README.md, "Limits")
    d.put("rate-limit", "5000");
    d.put("max-pending-misses", "1024"); // Unbound's num-queries-per-thread
    d.put("tcp-idle-timeout", "10s");
    d.put("tcp-max-lifetime", "2m");
    d.put("tcp-max-connections", "1024");
    d.put("tcp-pipeline", "32");
    d.put("cache-max-entries", "100000");
    d.put("cache-max-bytes", "64m");
    d.put("prefetch", "3");
    d.put("api-token", ""); // from DNSPLANE_API_TOKEN (see ConfigLoader)
    return java.util.Collections.unmodifiableMap(d);
  }

  /** The configuration with every default. */
  public static ResolverConfig defaultConfig() {
    return from(Map.of());
  }

  /**
   * Builds a config from {@code values} laid over the defaults.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  public static ResolverConfig from(Map<String, Object> values) {
    Set<String> unknown = new java.util.TreeSet<>(values.keySet());
    unknown.removeAll(DEFAULTS.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown configuration key(s): " + unknown + "; known: " + DEFAULTS.keySet());
    }
    Map<String, Object> v = new LinkedHashMap<>(DEFAULTS);
    v.putAll(values);
    String apiToken = String.valueOf(v.get("api-token")).trim();
    InetSocketAddress http = Values.hostPort("http", v.get("http"), 8085);
    try {
      ControlChannelGuard.requireSafeListen(http, apiToken);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("http: " + e.getMessage());
    }
    return new ResolverConfig(
        Values.hostPort("listen", v.get("listen"), 1054),
        http,
        stubZones(v.get("stub-zones")),
        Values.list(v.get("forwarder")).stream()
            .map(s -> Values.hostPort("forwarder", s, 53))
            .toList(),
        noRoute(v.get("no-route")),
        (int) nonNegative("max-ttl", v),
        (int) nonNegative("max-negative-ttl", v),
        Values.duration("stale-max", v.get("stale-max")),
        (int) nonNegative("stale-ttl", v),
        Values.duration("stale-recheck", v.get("stale-recheck")),
        Values.duration("client-timeout", v.get("client-timeout")),
        Values.duration("upstream-timeout", v.get("upstream-timeout")),
        (int) Math.max(1, nonNegative("upstream-attempts", v)),
        Values.duration("upstream-backoff", v.get("upstream-backoff")),
        Values.onOff("guard", v.get("guard")),
        Values.list(v.get("guard-suffixes")).stream().map(s -> name("guard-suffixes", s)).toList(),
        Values.duration("guard-confirm", v.get("guard-confirm")),
        Values.duration("guard-retry-min", v.get("guard-retry-min")),
        Values.duration("guard-retry-max", v.get("guard-retry-max")),
        (int) Math.min(Integer.MAX_VALUE, nonNegative("guard-memory", v)),
        Values.list(v.get("allow")).stream().map(ResolverConfig::allowed).toList(),
        (int) nonNegative("rate-limit", v),
        positiveInt("max-pending-misses", v),
        positive("tcp-idle-timeout", v),
        positive("tcp-max-lifetime", v),
        positiveInt("tcp-max-connections", v),
        positiveInt("tcp-pipeline", v),
        Values.number("cache-max-entries", v.get("cache-max-entries")),
        Values.size("cache-max-bytes", v.get("cache-max-bytes")),
        (int) nonNegative("prefetch", v),
        apiToken);
  }

  /**
   * Refuses a cache bound that would leave the resolver too little heap: at most half of {@code
   * maxHeap} (the JVM's maximum). The cache counts the heap its entries really take, and a full
   * cache beside the heap the resolver needs to serve, with room for the collector to work, fits in
   * the other half; past that, a cache that filled kept the JVM in back-to-back full collections.
   */
  public static void checkCacheFitsHeap(long cacheMaxBytes, long maxHeap) {
    if (maxHeap != Long.MAX_VALUE && cacheMaxBytes > maxHeap / 2) {
      throw new IllegalArgumentException(
          "cache-max-bytes: "
              + (cacheMaxBytes >> 20)
              + "m is more than half the maximum heap ("
              + (maxHeap >> 20)
              + "m); lower it or raise the heap (DNSPLANE_XMX)");
    }
  }

  /** Cidr's message says what is wrong; the key says which setting it came from. */
  private static Cidr allowed(String network) {
    try {
      return Cidr.parse(network);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allow: " + e.getMessage(), e);
    }
  }

  private static long nonNegative(String key, Map<String, Object> v) {
    long n = Values.number(key, v.get(key));
    if (n < 0) {
      throw new IllegalArgumentException(key + ": must not be negative, got " + n);
    }
    return n;
  }

  /** A limit of 0 would refuse everything: a limit must let something through. */
  private static int positiveInt(String key, Map<String, Object> v) {
    long n = Values.number(key, v.get(key));
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          key + ": must be between 1 and " + Integer.MAX_VALUE + ", got " + n);
    }
    return (int) n;
  }

  private static Duration positive(String key, Map<String, Object> v) {
    Duration d = Values.duration(key, v.get(key));
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + ": must be longer than 0, got " + v.get(key));
    }
    return d;
  }

  private static int noRoute(Object v) {
    return switch (String.valueOf(v).trim().toLowerCase(java.util.Locale.ROOT)) {
      case "refused" -> Rcode.REFUSED;
      case "servfail" -> Rcode.SERVFAIL;
      default ->
          throw new IllegalArgumentException(
              "no-route: expected refused or servfail, got '" + v + "'");
    };
  }

  static Name name(String key, String s) {
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(key + ": not a domain name: '" + s + "'");
    }
  }

  /**
   * Stub zones from YAML ({@code {aws.test.: [127.0.0.1:1053]}}) or text ({@code
   * aws.test.=127.0.0.1:1053,127.0.0.1:1055;example.=192.0.2.1}). Longest zone first, so the most
   * specific wins.
   */
  static List<StubZone> stubZones(Object v) {
    List<StubZone> out = new ArrayList<>();
    if (v instanceof Map<?, ?> m) {
      m.forEach((z, servers) -> out.add(stub(String.valueOf(z), Values.list(servers))));
    } else {
      List<String> specs = new ArrayList<>();
      if (v instanceof List<?> l) {
        l.forEach(o -> specs.add(String.valueOf(o)));
      } else if (v != null) {
        specs.addAll(List.of(String.valueOf(v).split(";")));
      }
      for (String spec : specs) {
        if (spec.isBlank()) {
          continue;
        }
        int eq = spec.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(
              "stub-zones: expected ZONE=HOST:PORT[,HOST:PORT], got '" + spec + "'");
        }
        out.add(stub(spec.substring(0, eq).trim(), Values.list(spec.substring(eq + 1))));
      }
    }
    out.sort(Comparator.comparingInt((StubZone s) -> s.zone().labels()).reversed());
    return List.copyOf(out);
  }

  private static StubZone stub(String zone, List<String> servers) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("stub-zones: zone " + zone + " has no servers");
    }
    return new StubZone(
        name("stub-zones", zone),
        servers.stream().map(s -> Values.hostPort("stub-zones", s, 53)).toList());
  }
}
