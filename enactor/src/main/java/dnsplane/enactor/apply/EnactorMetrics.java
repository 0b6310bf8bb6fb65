package dnsplane.enactor.apply;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** EnactorMetrics counts what an enactor did, rendered as Prometheus text for {@code /metrics}. */
public final class EnactorMetrics {

  /** Upper bounds (seconds) of the apply-latency histogram buckets. */
  static final double[] BUCKETS = {0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60};

  final AtomicLong plansApplied = new AtomicLong();
  final AtomicLong rrsetsWritten = new AtomicLong();
  final AtomicLong staleSkips = new AtomicLong();
  final AtomicLong emptyRejections = new AtomicLong();
  final AtomicLong emptyFamilyRejections = new AtomicLong();
  final AtomicLong invalidEntries = new AtomicLong();
  final AtomicLong unpublished = new AtomicLong();
  final AtomicLong guardRefusals = new AtomicLong();
  final AtomicLong cleanupDeletions = new AtomicLong();
  final AtomicLong cleanupClears = new AtomicLong();
  final AtomicLong verificationFailures = new AtomicLong();
  final AtomicLong stuck = new AtomicLong();
  private final AtomicLongArray bucketCounts = new AtomicLongArray(BUCKETS.length);
  private final AtomicLong latencyCount = new AtomicLong();
  private final AtomicLong latencyMicros = new AtomicLong();

  void observeApply(long nanos) {
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        bucketCounts.incrementAndGet(i);
      }
    }
    latencyCount.incrementAndGet();
    latencyMicros.addAndGet(nanos / 1000);
  }

  public long plansApplied() {
    return plansApplied.get();
  }

  public long staleSkips() {
    return staleSkips.get();
  }

  public long emptyRejections() {
    return emptyRejections.get();
  }

  public long emptyFamilyRejections() {
    return emptyFamilyRejections.get();
  }

  public long invalidEntries() {
    return invalidEntries.get();
  }

  public long unpublished() {
    return unpublished.get();
  }

  public long guardRefusals() {
    return guardRefusals.get();
  }

  public long cleanupDeletions() {
    return cleanupDeletions.get();
  }

  public long verificationFailures() {
    return verificationFailures.get();
  }

  /** The Prometheus text exposition (format 0.0.4), every series labelled with the az. */
  public String render(String az) {
    String l = "{az=\"" + az + "\"}";
    StringBuilder b = new StringBuilder();
    counter(b, "plans_applied", "Plans this enactor applied.", l, plansApplied);
    counter(b, "rrsets_written", "Rrsets written (A, AAAA and TXT marker).", l, rrsetsWritten);
    counter(b, "stale_skips", "Endpoints skipped because a newer plan was there.", l, staleSkips);
    counter(
        b, "empty_rejections", "Plan entries rejected for having no address.", l, emptyRejections);
    counter(
        b,
        "empty_family_rejections",
        "Plan entries rejected for leaving a family with targets without an address.",
        l,
        emptyFamilyRejections);
    counter(
        b, "invalid_entries", "Plan entries rejected for a malformed address.", l, invalidEntries);
    counter(
        b,
        "unpublished",
        "Deleted endpoints unpublished (A, AAAA and marker emptied).",
        l,
        unpublished);
    counter(b, "guard_refusals", "Writes or deletes the database guard refused.", l, guardRefusals);
    counter(b, "cleanup_deletions", "Plans deleted by cleanup.", l, cleanupDeletions);
    counter(b, "cleanup_clears", "Endpoints emptied by legacy cleanup.", l, cleanupClears);
    counter(
        b, "verification_failures", "Post-apply DNS checks that alarmed.", l, verificationFailures);
    b.append("# HELP dnsplane_enactor_stuck 1 while a legacy enactor refuses to act.\n")
        .append("# TYPE dnsplane_enactor_stuck gauge\n")
        .append("dnsplane_enactor_stuck")
        .append(l)
        .append(' ')
        .append(stuck.get())
        .append('\n');
    String h = "dnsplane_enactor_apply_latency_seconds";
    b.append("# HELP ")
        .append(h)
        .append(" Time to apply one plan, cleanup included.\n")
        .append("# TYPE ")
        .append(h)
        .append(" histogram\n");
    for (int i = 0; i < BUCKETS.length; i++) {
      b.append(h)
          .append("_bucket{az=\"")
          .append(az)
          .append("\",le=\"")
          .append(BUCKETS[i])
          .append("\"} ")
          .append(bucketCounts.get(i))
          .append('\n');
    }
    b.append(h)
        .append("_bucket{az=\"")
        .append(az)
        .append("\",le=\"+Inf\"} ")
        .append(latencyCount.get())
        .append('\n');
    b.append(h).append("_sum").append(l).append(' ').append(latencyMicros.get() / 1e6).append('\n');
    b.append(h).append("_count").append(l).append(' ').append(latencyCount.get()).append('\n');
    return b.toString();
  }

  private static void counter(StringBuilder b, String name, String help, String l, AtomicLong v) {
    String n = "dnsplane_enactor_" + name + "_total";
    b.append("# HELP ")
        .append(n)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(n)
        .append(" counter\n")
        .append(n)
        .append(l)
        .append(' ')
        .append(v.get())
        .append('\n');
  }
}
