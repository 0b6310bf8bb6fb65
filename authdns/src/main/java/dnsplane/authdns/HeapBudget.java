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
 * HeapBudget tells whether the zone data in PostgreSQL fits the heap authdns was given: how many
 * rrsets a full load may read ({@link #loadable}, which the change-log follower holds every full
 * load to), and, when one finds more, the error that names the setting to change. Without it, a
 * zone too big for the heap ends part way through the load in an OutOfMemoryError (the launcher
 * exits the JVM on one), which names neither the cause nor the setting; a running server would die
 * of it on its next full reload, and again after each restart. The budget is applied as the load
 * reads rather than by counting the rows first, which took a start about 0.25 s (a connection and
 * {@code count(*)} of a million rows, before the load could begin). The heap is not sized from the
 * zone by default: a larger maximum lets G1 grow the heap under query load (1M names: 1.19 GB RSS
 * with half the machine's memory as the maximum, 413 MB with 512m; {@code deploy/bench/memory.sh}),
 * so the setting stays the operator's.
 */
final class HeapBudget {
  private static final Logger log = LoggerFactory.getLogger(HeapBudget.class);

  /**
   * Heap one rrset takes at the peak of a full load, with room for the answer cache and the swap:
   * 512 MB loads about 1.5M single-record rrsets and serves them ({@code memory.sh}).
   */
  static final long PEAK_BYTES_PER_RRSET = 340;

  /**
   * Heap a load needs whatever its size: rows read ahead of the parsing thread (up to eight batches
   * of 4,096), the driver's fetch of 10,000, and room for the young generation to work in. Without
   * it a 32 MB heap ran out while streaming a third of what the per-rrset figure alone allowed.
   */
  static final long LOAD_RESERVE = 16L * 1024 * 1024;

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
    return check(rrsets, maxHeap, 0);
  }

  /** Heap not free for a load's rrsets: what {@code rt} holds now and {@link #LOAD_RESERVE}. */
  static long taken(Runtime rt) {
    return rt.totalMemory() - rt.freeMemory() + LOAD_RESERVE;
  }

  /**
   * The most rrsets a full load may read in a heap of at most {@code maxHeap} bytes of which {@code
   * taken} are not free for it: exactly those {@link #check} finds not too many.
   */
  static long loadable(long maxHeap, long taken) {
    return Math.max(0, maxHeap - taken) / PEAK_BYTES_PER_RRSET;
  }

  /** As {@link #check(long, long)}, with {@code taken} bytes of the heap not free for the load. */
  static Verdict check(long rrsets, long maxHeap, long taken) {
    long needed = rrsets * PEAK_BYTES_PER_RRSET + taken;
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
   * The error for a full load refused after reading {@code read} rrsets (one more than {@link
   * #loadable}): the database's whole count when it answers, for the size the heap would need.
   */
  static HeapTooSmallException refused(DbSettings db, long read, long maxHeap, long taken) {
    long rrsets = read;
    try (Connection c = DbBootstrap.connect(db)) {
      rrsets = Math.max(read, rrsets(c));
    } catch (SQLException e) {
      log.debug("counting the rrsets failed ({}); at least {} then", e.getMessage(), read);
    }
    // Past the budget by construction: read is one more than loadable(maxHeap, taken), and the
    // count, when it comes, is at least read.
    return new HeapTooSmallException(((Verdict.TooSmall) check(rrsets, maxHeap, taken)).error());
  }

  /** Warns when {@code rrsets} served take most of the heap: little room to grow. */
  static void warnIfTight(long rrsets, long maxHeap, long taken) {
    if (check(rrsets, maxHeap, taken) instanceof Verdict.Tight t) {
      log.warn("{}", t.warning());
    }
  }
}
