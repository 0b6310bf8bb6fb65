package dnsplane.resolver.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Metrics holds the resolver's counters and renders them in the Prometheus text format. */
public final class Metrics {
  public final LongAdder queries = new LongAdder();
  public final LongAdder hits = new LongAdder();
  public final LongAdder negativeHits = new LongAdder();
  public final LongAdder misses = new LongAdder();
  public final LongAdder staleServed = new LongAdder();
  public final LongAdder suspectEmpty = new LongAdder();
  public final LongAdder guardConfirmed = new LongAdder();
  public final LongAdder coalesced = new LongAdder();
  public final LongAdder prefetches = new LongAdder();
  public final LongAdder upstreamQueries = new LongAdder();
  public final LongAdder upstreamFailures = new LongAdder();
  public final LongAdder upstreamMismatched = new LongAdder();
  public final LongAdder upstreamScrubbed = new LongAdder();
  public final LongAdder refused = new LongAdder();
  public final LongAdder rateLimited = new LongAdder();
  public final LongAdder formerr = new LongAdder();
  public final LongAdder servfail = new LongAdder();
  public final LongAdder noRoute = new LongAdder();
  public final LongAdder overloaded = new LongAdder();
  public final LongAdder errors = new LongAdder();
  public final LongAdder tcpShed = new LongAdder();
  public final LongAdder tcpTimeouts = new LongAdder();

  /** Upper bounds, in seconds, of the upstream latency histogram buckets. */
  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final LongAdder[] latency = new LongAdder[BUCKETS.length + 1];
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder latencyMicros = new LongAdder();
  private volatile LongSupplier cacheEntries = () -> 0;
  private volatile LongSupplier cacheBytes = () -> 0;
  private volatile LongSupplier guardMemoryEntries = () -> 0;

  /** A gauge registered by the part that owns the value (the listener, the resolver). */
  private record Gauge(String name, String help, LongSupplier value) {}

  private final java.util.List<Gauge> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Metrics() {
    for (int i = 0; i < latency.length; i++) {
      latency[i] = new LongAdder();
    }
  }

  public void cacheGauges(LongSupplier entries, LongSupplier bytes) {
    this.cacheEntries = entries;
    this.cacheBytes = bytes;
  }

  public void guardMemoryGauge(LongSupplier entries) {
    this.guardMemoryEntries = entries;
  }

  /** Adds the gauge {@code dnsplane_resolver_<name>}, read at every scrape. */
  public void gauge(String name, String help, LongSupplier value) {
    gauges.add(new Gauge(name, help, value));
  }

  /**
   * The current value of the gauge {@code name}, or -1 when none is registered (for tests and
   * checks).
   */
  public long gaugeValue(String name) {
    for (Gauge g : gauges) {
      if (g.name().equals(name)) {
        return g.value().getAsLong();
      }
    }
    return -1;
  }

  /** Records one upstream exchange that got an answer. */
  public void upstreamLatency(long nanos) {
    double s = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && s > BUCKETS[i]) {
      i++;
    }
    latency[i].increment();
    latencyCount.increment();
    latencyMicros.add(nanos / 1000);
  }

  public String prometheus() {
    StringBuilder sb = new StringBuilder(4096);
    counter(sb, "queries", "Queries received", queries);
    counter(sb, "cache_hits", "Answers served fresh from the cache (positive and negative)", hits);
    counter(
        sb,
        "cache_negative_hits",
        "Cache hits that were negative answers (NXDOMAIN or NODATA)",
        negativeHits);
    counter(sb, "cache_misses", "Queries that had to ask upstream before answering", misses);
    counter(
        sb,
        "stale_served",
        "Answers served stale (RFC 8767), including those kept by the guard",
        staleServed);
    counter(
        sb,
        "suspect_empty_answers",
        "Empty upstream answers for guarded names held back as suspect",
        suspectEmpty);
    counter(
        sb,
        "guard_confirmed",
        "Empty answers let through after being seen for guard-confirm",
        guardConfirmed);
    counter(
        sb,
        "coalesced_queries",
        "Queries that joined an upstream query already in flight",
        coalesced);
    counter(sb, "prefetches", "Popular entries refreshed before expiry", prefetches);
    counter(sb, "upstream_queries", "Queries sent upstream (each attempt)", upstreamQueries);
    counter(
        sb,
        "upstream_failures",
        "Upstream resolutions that failed after all attempts",
        upstreamFailures);
    counter(
        sb,
        "upstream_mismatched",
        "Upstream replies discarded: wrong ID, question or format",
        upstreamMismatched);
    counter(
        sb,
        "upstream_scrubbed_records",
        "Records dropped from upstream replies for being outside the zone",
        upstreamScrubbed);
    counter(sb, "refused", "Queries refused by the client ACL", refused);
    counter(sb, "rate_limited", "Queries dropped by the per-client rate limit", rateLimited);
    counter(sb, "formerr", "Malformed queries answered FORMERR", formerr);
    counter(sb, "servfail", "SERVFAIL answers", servfail);
    counter(sb, "no_route", "Queries for names with no stub zone or forwarder", noRoute);
    counter(
        sb,
        "overloaded",
        "Misses turned away (SERVFAIL or stale) because max-pending-misses were outstanding",
        overloaded);
    counter(
        sb,
        "errors",
        "Unexpected errors answered SERVFAIL (each counted; logged at most once per 10 s)",
        errors);
    counter(
        sb,
        "tcp_shed",
        "TCP connections closed at once because tcp-max-connections were open",
        tcpShed);
    counter(
        sb,
        "tcp_timeouts",
        "TCP connections closed by tcp-idle-timeout or tcp-max-lifetime",
        tcpTimeouts);
    gauge(sb, "cache_entries", "Entries in the cache", cacheEntries.getAsLong());
    gauge(sb, "cache_bytes", "Approximate bytes held by the cache", cacheBytes.getAsLong());
    gauge(
        sb,
        "guard_memory_entries",
        "Guarded questions whose last positive answer the guard remembers",
        guardMemoryEntries.getAsLong());
    for (Gauge g : gauges) {
      gauge(sb, g.name(), g.help(), g.value().getAsLong());
    }
    String h = "dnsplane_resolver_upstream_latency_seconds";
    sb.append("# HELP ").append(h).append(" Upstream round-trip time of answered queries\n");
    sb.append("# TYPE ").append(h).append(" histogram\n");
    long cum = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cum += latency[i].sum();
      sb.append(h)
          .append("_bucket{le=\"")
          .append(BUCKETS[i])
          .append("\"} ")
          .append(cum)
          .append('\n');
    }
    cum += latency[BUCKETS.length].sum();
    sb.append(h).append("_bucket{le=\"+Inf\"} ").append(cum).append('\n');
    sb.append(h).append("_sum ").append(latencyMicros.sum() / 1e6).append('\n');
    sb.append(h).append("_count ").append(latencyCount.sum()).append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, LongAdder v) {
    String n = "dnsplane_resolver_" + name + "_total";
    sb.append("# HELP ").append(n).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(n).append(" counter\n");
    sb.append(n).append(' ').append(v.sum()).append('\n');
  }

  private static void gauge(StringBuilder sb, String name, String help, long v) {
    String n = "dnsplane_resolver_" + name;
    sb.append("# HELP ").append(n).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(n).append(" gauge\n");
    sb.append(n).append(' ').append(v).append('\n');
  }
}
