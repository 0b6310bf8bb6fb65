package dnsplane.authdns.http;

import dnsplane.authdns.sync.SyncStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * SyncMetrics renders the snapshot's freshness and size in the Prometheus text format, next to the
 * query counters of {@link dnsplane.authdns.net.QueryMetrics}.
 */
public final class SyncMetrics {

  private SyncMetrics() {}

  public static void write(Appendable out, SyncStatus s, int zones, long records, Instant now)
      throws IOException {
    Duration age = s.snapshotAge(now);
    gauge(
        out,
        "dnsplane_authdns_snapshot_age_seconds",
        "Seconds since the snapshot was last confirmed current with PostgreSQL (+Inf before the"
            + " first load).",
        age == null ? "+Inf" : String.valueOf(age.toMillis() / 1000.0));
    gauge(
        out,
        "dnsplane_authdns_changelog_lag",
        "Change-log rows committed in PostgreSQL and not yet served (as of the last look).",
        String.valueOf(s.lag()));
    gauge(
        out,
        "dnsplane_authdns_applied_seq",
        "The last change-log sequence number served.",
        String.valueOf(s.appliedSeq()));
    gauge(
        out,
        "dnsplane_authdns_snapshot_restored",
        "1 while the snapshot served is the persisted copy read at start, not yet confirmed by"
            + " PostgreSQL.",
        s.restored() ? "1" : "0");
    gauge(out, "dnsplane_authdns_zones", "Zones served.", String.valueOf(zones));
    gauge(out, "dnsplane_authdns_records", "Records served, all zones.", String.valueOf(records));
    gauge(
        out,
        "dnsplane_authdns_db_connected",
        "1 when the change-log follower is connected.",
        s.dbConnected() ? "1" : "0");
    counter(
        out,
        "dnsplane_authdns_db_reconnects_total",
        "Times the follower reconnected after losing PostgreSQL.",
        s.reconnects());
    counter(
        out,
        "dnsplane_authdns_full_reloads_total",
        "Full reloads after the first load (change log pruned or database replaced).",
        s.fullReloads());
    counter(
        out,
        "dnsplane_authdns_changelog_bad_rows_total",
        "Rows that could not be turned into DNS data and were skipped.",
        s.badRows());
    counter(
        out,
        "dnsplane_authdns_sync_rejected_changes_total",
        "Changes (change-log rows, or rrsets of a full load) that could not be applied in full;"
            + " their rrset kept its previous version (or, having none, the records that parse).",
        s.rejectedChanges());
    gauge(
        out,
        "dnsplane_authdns_sync_rejected_rrsets",
        "Rrsets whose latest change could not be applied in full (listed on /health); 0 when all"
            + " is well.",
        String.valueOf(s.rejected().size()));
  }

  private static void gauge(Appendable out, String name, String help, String value)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(Appendable out, String name, String help, long value)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(String.valueOf(value)).append('\n');
  }
}
