package dnsplane.planner.web;

import dnsplane.planner.health.CheckMetrics;
import dnsplane.planner.retention.RetentionMetrics;
import dnsplane.planner.service.PlanWriteMetrics;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * PlannerMetrics counts what the planner does and prints it in the Prometheus text format. Hand
 * rolled: a handful of counters does not justify a metrics library.
 */
@Singleton
public final class PlannerMetrics implements PlanWriteMetrics, CheckMetrics, RetentionMetrics {

  private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final LongAdder plansWritten = new LongAdder();
  private final LongAdder failOpenEntries = new LongAdder();
  private final AtomicLong failOpenEndpoints = new AtomicLong();
  private final AtomicLong latestGeneration = new AtomicLong();
  private final LongAdder deferredRemovals = new LongAdder();
  private final AtomicLong heldAddresses = new AtomicLong();
  private final LongAdder healthRemovals = new LongAdder();
  private final Map<String, LongAdder> checks = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> prunedRows = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retentionFailures = new ConcurrentHashMap<>();
  private final long[] latencyBuckets = new long[BUCKETS.length];
  private long latencyCount;
  private double latencySum;

  @Override
  public void planWritten(
      long generation, int failOpen, int held, int newlyHeld, int removals, double seconds) {
    plansWritten.increment();
    failOpenEntries.add(failOpen);
    synchronized (latestGeneration) {
      // Threads record their plans after commit, in any order: gauges follow the newest plan only.
      if (generation > latestGeneration.get()) {
        latestGeneration.set(generation);
        failOpenEndpoints.set(failOpen);
        heldAddresses.set(held);
      }
    }
    deferredRemovals.add(newlyHeld);
    healthRemovals.add(removals);
    synchronized (latencyBuckets) {
      latencyCount++;
      latencySum += seconds;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          latencyBuckets[i]++;
        }
      }
    }
  }

  @Override
  public void checkResult(String kind, boolean success) {
    checks
        .computeIfAbsent(
            kind + "\",result=\"" + (success ? "success" : "failure"), k -> new LongAdder())
        .increment();
  }

  @Override
  public void rowsPruned(String table, long rows) {
    prunedRows.computeIfAbsent(table, k -> new LongAdder()).add(rows);
    retentionFailures.computeIfAbsent(table, k -> new LongAdder());
  }

  @Override
  public void retentionFailed(String table) {
    retentionFailures.computeIfAbsent(table, k -> new LongAdder()).increment();
  }

  public long rowsPruned(String table) {
    LongAdder n = prunedRows.get(table);
    return n == null ? 0 : n.sum();
  }

  public long plansWritten() {
    return plansWritten.sum();
  }

  public long deferredRemovals() {
    return deferredRemovals.sum();
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    counter(b, "dnsplane_planner_plans_written_total", "Plans written.", plansWritten.sum());
    gauge(
        b,
        "dnsplane_planner_latest_generation",
        "Generation of the newest plan this planner wrote.",
        latestGeneration.get());
    gauge(
        b,
        "dnsplane_planner_fail_open_endpoints",
        "Endpoints failing open in the newest plan written.",
        failOpenEndpoints.get());
    counter(
        b,
        "dnsplane_planner_fail_open_entries_total",
        "Plan entries written failing open.",
        failOpenEntries.sum());
    counter(
        b,
        "dnsplane_planner_velocity_deferred_removals_total",
        "Removals the velocity limit started to hold back (each address once per hold).",
        deferredRemovals.sum());
    gauge(
        b,
        "dnsplane_planner_velocity_held_addresses",
        "Unhealthy addresses still published by the newest plan written because the velocity limit"
            + " holds them.",
        heldAddresses.get());
    counter(
        b,
        "dnsplane_planner_velocity_removals_total",
        "Addresses health removed from published sets (what the velocity limit counts).",
        healthRemovals.sum());
    b.append(
            "# HELP dnsplane_planner_health_checks_total Active health-check probes by kind and"
                + " result.\n")
        .append("# TYPE dnsplane_planner_health_checks_total counter\n");
    checks.forEach(
        (k, v) ->
            b.append("dnsplane_planner_health_checks_total{kind=\"")
                .append(k)
                .append("\"} ")
                .append(v.sum())
                .append('\n'));
    labelled(
        b,
        "dnsplane_planner_retention_pruned_rows_total",
        "Rows retention deleted, by table.",
        prunedRows);
    labelled(
        b,
        "dnsplane_planner_retention_failures_total",
        "Retention passes over a table that failed (the next pass retries), by table.",
        retentionFailures);
    String h = "dnsplane_planner_plan_write_seconds";
    b.append("# HELP ")
        .append(h)
        .append(" Time to compute and commit a plan.\n")
        .append("# TYPE ")
        .append(h)
        .append(" histogram\n");
    synchronized (latencyBuckets) {
      for (int i = 0; i < BUCKETS.length; i++) {
        b.append(h)
            .append("_bucket{le=\"")
            .append(BUCKETS[i])
            .append("\"} ")
            .append(latencyBuckets[i])
            .append('\n');
      }
      b.append(h).append("_bucket{le=\"+Inf\"} ").append(latencyCount).append('\n');
      b.append(h).append("_sum ").append(latencySum).append('\n');
      b.append(h).append("_count ").append(latencyCount).append('\n');
    }
    return b.toString();
  }

  private static void counter(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(name)
        .append(" counter\n")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }

  private static void labelled(
      StringBuilder b, String name, String help, Map<String, LongAdder> byTable) {
    b.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(name)
        .append(" counter\n");
    new TreeMap<>(byTable)
        .forEach(
            (table, v) ->
                b.append(name)
                    .append("{table=\"")
                    .append(table)
                    .append("\"} ")
                    .append(v.sum())
                    .append('\n'));
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(name)
        .append(" gauge\n")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }
}
