package dnsplane.authdns;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HeapBudget tells, before the first load, whether the zone data in PostgreSQL fits the heap
 * authdns was given. Without it, a zone too big for the heap ends part way through the load in an
 * OutOfMemoryError (the launcher exits the JVM on one), which names neither the cause nor the
 * setting to change. The heap is not sized from the zone by default: a larger maximum lets G1 grow
 * the heap under query load (1M names: 1.19 GB RSS with half the machine's memory as the maximum,
 * 413 MB with 512m; {@code deploy/bench/memory.sh}), so the setting stays the operator's.
 */
final class HeapBudget {
  private static final Logger log = LoggerFactory.getLogger(HeapBudget.class);

  /**
   * Heap one rrset takes at the peak of a full load, with room for the answer cache and the swap:
   * 512 MB loads about 1.5M single-record rrsets and serves them ({@code memory.sh}).
   */
  static final long PEAK_BYTES_PER_RRSET = 340;

  /** Above this share of the heap the load is likely to fit, but a warning says how close it is. */
  static final double TIGHT = 0.8;

  private static final long MB = 1024 * 1024;
  private static final long GB = 1024 * MB;

  /** What the budget says of a zone of some size in some heap. */
  sealed interface Verdict {
    /** Room to spare. */
    record Fits(long needed) implements Verdict {}

    /** Fits, by less than {@link #TIGHT}'s margin: worth a warning. */
    record Tight(long needed, String warning) implements Verdict {}

    /** Does not fit: authdns must not start into an OutOfMemoryError. */
    record TooSmall(long needed, String error) implements Verdict {}
  }

  /** Thrown by {@link #require} when the zone data does not fit the heap. */
  static final class HeapTooSmallException extends RuntimeException {
    HeapTooSmallException(String message) {
      super(message);
    }
  }

  private HeapBudget() {}

  /** The verdict for {@code rrsets} rrsets in a heap of at most {@code maxHeap} bytes. */
  static Verdict check(long rrsets, long maxHeap) {
    long needed = rrsets * PEAK_BYTES_PER_RRSET;
    if (needed > maxHeap) {
      return new Verdict.TooSmall(
          needed,
          String.format(
              Locale.ROOT,
              "the zone data holds %,d rrsets, which need about %,d MB of heap to load; this"
                  + " JVM's heap is at most %,d MB. Give authdns a larger heap: DNSPLANE_XMX=%s"
                  + " with deploy/dnsplane (or DNSPLANE_XMX=auto: half the machine's memory),"
                  + " -Xmx%s with java -jar",
              rrsets,
              needed / MB,
              maxHeap / MB,
              suggestion(needed),
              suggestion(needed)));
    }
    if (needed > TIGHT * maxHeap) {
      return new Verdict.Tight(
          needed,
          String.format(
              Locale.ROOT,
              "the zone data holds %,d rrsets, which need about %,d MB of heap to load: %d%% of"
                  + " this JVM's %,d MB. Little room to grow: DNSPLANE_XMX=%s gives some",
              rrsets,
              needed / MB,
              Math.round(100.0 * needed / maxHeap),
              maxHeap / MB,
              suggestion(needed)));
    }
    return new Verdict.Fits(needed);
  }

  /** A heap setting with a quarter to spare over {@code needed}, in whole gigabytes. */
  static String suggestion(long needed) {
    long gigabytes = Math.max(1, (needed + needed / 4 + GB - 1) / GB);
    return gigabytes + "g";
  }

  /** How many rrsets the database holds now. */
  static long rrsets(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM rrset")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Checks the database's zone data against {@code maxHeap}: throws when it does not fit, warns
   * when it barely does. A database that cannot be asked now is no verdict: authdns starts and
   * waits for it (or serves its saved copy), as it would without this check.
   */
  static void require(DbSettings db, long maxHeap) {
    long rrsets;
    try (Connection c = DbBootstrap.connect(db)) {
      rrsets = rrsets(c);
    } catch (SQLException e) {
      log.debug("heap check skipped: the database did not answer ({})", e.getMessage());
      return;
    }
    Verdict v = check(rrsets, maxHeap);
    if (v instanceof Verdict.TooSmall t) {
      throw new HeapTooSmallException(t.error());
    }
    if (v instanceof Verdict.Tight t) {
      log.warn("{}", t.warning());
    }
  }
}
