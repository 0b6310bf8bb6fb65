package dnsplane.authdns.sync;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSetBuilder;
import dnsplane.authdns.zone.ZoneSnapshot;
import dnsplane.db.changelog.FullLoadRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * FullLoad turns the full state of the database into a snapshot built from nothing: each zone
 * created, then each of its rrsets, converted and added as it is read (a million rrsets are never
 * held as rows, nor as changes). One bad row cannot keep every other zone from being served, nor
 * empty a served name: an rrset whose records do not all parse keeps the version {@code previous}
 * (the snapshot served until now) holds, all of it, or, when there is none (the first load), is
 * served with the records that parse. Each such rrset is a {@link Rejection}; a change the snapshot
 * refuses (a record outside its zone) is left out and named in {@link Result#refused}.
 *
 * <p>The rows are parsed and added on a thread of their own, a batch at a time, while the reading
 * thread decodes the next rows off the socket: at a million rrsets each of the two takes seconds,
 * and the first answer waits for both. The batches go through a short queue in the order read, so
 * the rows are handled exactly as one thread would handle them; a load of less than a batch never
 * starts the thread. {@link #close} stops it when the read fails part way.
 *
 * <p>A load may be given the most rrsets it may read ({@code maxRrsets}, what the heap can hold):
 * the row after that is a {@link TooBig}, thrown on the reading thread before the row is kept, so
 * that a zone too big for the heap ends the load with the count that says so, not in an
 * OutOfMemoryError part way through (which exits the JVM, restarts and all).
 */
final class FullLoad implements FullLoadRows.Sink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

  /**
   * The snapshot, the position it holds, how many rows did not convert in full, the rrsets that did
   * not, the changes the snapshot refused (with why), and how many zone and rrset rows were read.
   */
  record Result(
      ZoneSet zones,
      long lastSeq,
      int bad,
      List<Rejection> rejected,
      Map<ZoneChange, String> refused,
      int zoneRows,
      int rrsetRows) {}

  /** Thrown for the rrset row past the most a load may read: nothing of the load is served. */
  static final class TooBig extends RuntimeException {
    final long read;

    TooBig(long read, long most) {
      super("the full load read " + read + " rrsets; this heap holds " + most + " at most");
      this.read = read;
    }
  }

  /** Rows per batch handed to the parsing thread. */
  private static final int BATCH = 4096;

  /** The batch that ends the parsing thread's work. */
  private static final List<Object> END = List.of();

  private final ZoneSet previous;
  private final long maxRrsets;
  private long read; // rrset rows taken, on the reading thread
  // Rows (ZoneRow, RrsetRow) read and not yet handed over, and the queue to the parsing thread.
  private List<Object> batch = new ArrayList<>(BATCH);
  private final java.util.concurrent.BlockingQueue<List<Object>> queue =
      new java.util.concurrent.ArrayBlockingQueue<>(8);
  private Thread parser;
  // What the parsing thread threw; it then drops the batches left until END.
  private volatile Throwable failed;
  private long parseNanos;
  private final ZoneSetBuilder builder = new ZoneSetBuilder();
  private final Map<Long, FullLoadRows.ZoneRow> zones = new HashMap<>();
  private final Map<Long, Name> origins = new HashMap<>();
  private final List<Rejection> rejected = new ArrayList<>();
  private final Map<ZoneChange, String> refused = new IdentityHashMap<>();
  private long lastSeq;
  private int bad;
  private int zoneRows;
  private int rrsetRows;

  FullLoad(ZoneSet previous) {
    this(previous, Long.MAX_VALUE);
  }

  /** A load that throws {@link TooBig} when there are more than {@code maxRrsets} rrsets. */
  FullLoad(ZoneSet previous, long maxRrsets) {
    this.previous = previous;
    this.maxRrsets = maxRrsets;
  }

  /** The whole of {@code state} at once (tests, and callers holding the rows already). */
  static Result of(FullLoadRows state, ZoneSet previous) {
    try (FullLoad load = new FullLoad(previous)) {
      load.position(state.lastSeq());
      state.zones().forEach(load::zone);
      state.rrsets().forEach(load::rrset);
      return load.result();
    }
  }

  @Override
  public void position(long lastSeq) {
    this.lastSeq = lastSeq;
  }

  @Override
  public void zone(FullLoadRows.ZoneRow z) {
    take(z);
  }

  @Override
  public void rrset(FullLoadRows.RrsetRow r) {
    if (++read > maxRrsets) {
      throw new TooBig(read, maxRrsets);
    }
    take(r);
  }

  /** Queues one row; a full batch goes to the parsing thread (started on the first one). */
  private void take(Object row) {
    batch.add(row);
    if (batch.size() == BATCH) {
      hand(batch);
      batch = new ArrayList<>(BATCH);
    }
  }

  private void hand(List<Object> rows) {
    if (failed != null) {
      throw new IllegalStateException("full load: parsing failed", failed);
    }
    if (parser == null) {
      parser = new Thread(this::parseLoop, "full-load-parser");
      parser.setDaemon(true);
      parser.start();
    }
    try {
      queue.put(rows);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("full load interrupted", e);
    }
  }

  /** The parsing thread: each batch in order, until END. */
  private void parseLoop() {
    try {
      while (true) {
        List<Object> rows = queue.take();
        if (rows == END) {
          return;
        }
        if (failed == null) {
          try {
            parse(rows);
          } catch (RuntimeException | Error e) {
            failed = e; // the reader sees it at its next batch or at result()
          }
        }
      }
    } catch (InterruptedException e) {
      // close(): the read failed part way and nothing of this load will be used.
    }
  }

  private void parse(List<Object> rows) {
    long t0 = System.nanoTime();
    for (Object row : rows) {
      if (row instanceof FullLoadRows.RrsetRow r) {
        parseRrset(r);
      } else {
        parseZone((FullLoadRows.ZoneRow) row);
      }
    }
    parseNanos += System.nanoTime() - t0;
  }

  private void parseZone(FullLoadRows.ZoneRow z) {
    zoneRows++;
    try {
      Name origin = Name.fromString(z.name(), Name.root);
      origins.put(z.id(), origin);
      zones.put(z.id(), z);
      add(new ZoneChange.ZoneCreated(origin, z.serial()));
    } catch (TextParseException e) {
      bad++;
      rejected.add(new Rejection(z.name(), z.name(), "SOA", lastSeq, e.getMessage()));
      log.error("zone {} not served: {}", z.name(), e.getMessage());
    }
  }

  private void parseRrset(FullLoadRows.RrsetRow r) {
    rrsetRows++;
    Name origin = origins.get(r.zoneId());
    if (origin == null) {
      return;
    }
    FullLoadRows.ZoneRow z = zones.get(r.zoneId());
    ChangeConverter.ParsedRrset p;
    try {
      p = ChangeConverter.parse(origin, r.name(), r.type(), r.ttl(), r.rdata(), z.serial());
    } catch (IllegalArgumentException e) {
      bad++;
      rejected.add(new Rejection(z.name(), r.name(), r.type(), lastSeq, e.getMessage()));
      log.error("rrset {} {} not served: {}", r.name(), r.type(), e.getMessage());
      return;
    }
    if (p.complete()) {
      add(p.rrset());
      return;
    }
    bad++;
    rejected.add(new Rejection(z.name(), r.name(), r.type(), lastSeq, p.problem()));
    ZoneChange.RrsetReplaced parsed = p.rrset();
    List<Record> before = served(previous, origin, parsed.name(), parsed.type());
    // As an incremental change does: nothing served (absent or a tombstone) is no version to
    // keep, and the records that parse are better than an empty answer.
    if (before != null && !before.isEmpty()) {
      add(
          new ZoneChange.RrsetReplaced(
              origin, parsed.name(), parsed.type(), before, parsed.serial()));
      log.error(
          "rrset {} {} cannot be loaded in full ({}); still serving its previous version ({}"
              + " records)",
          r.name(),
          r.type(),
          p.problem(),
          before.size());
    } else {
      add(parsed);
      log.error(
          "rrset {} {} cannot be loaded in full ({}); serving the {} of its {} records that"
              + " parse",
          r.name(),
          r.type(),
          p.problem(),
          parsed.records().size(),
          r.rdata().size());
    }
  }

  /** Everything read so far, built. Rethrows what the parsing thread threw. */
  Result result() {
    long t0 = System.nanoTime();
    if (parser == null) {
      parse(batch); // a small load: no thread was started
    } else {
      hand(batch);
      try {
        queue.put(END);
        parser.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("full load interrupted", e);
      }
      if (failed instanceof RuntimeException e) {
        throw e;
      }
      if (failed instanceof Error e) {
        throw e;
      }
    }
    batch = null;
    long t1 = System.nanoTime();
    ZoneSet zones = builder.build();
    log.info(
        "full load: {} rrsets parsed in {} ms (beside the read), {} ms after it; built in {} ms",
        rrsetRows,
        parseNanos / 1_000_000,
        (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
    return new Result(zones, lastSeq, bad, rejected, refused, zoneRows, rrsetRows);
  }

  /** Whether the parsing thread runs (tests). */
  boolean parsing() {
    Thread t = parser;
    return t != null && t.isAlive();
  }

  /** Stops the parsing thread when the load ends without {@link #result} (a failed read). */
  @Override
  public void close() {
    Thread t = parser;
    if (t != null && t.isAlive()) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void add(ZoneChange change) {
    try {
      builder.add(change);
    } catch (IllegalArgumentException e) {
      refused.put(change, String.valueOf(e.getMessage()));
    }
  }

  /** The records {@code set} serves for (name, type) of zone {@code origin}, or null. */
  private static List<Record> served(ZoneSet set, Name origin, Name name, int type) {
    ZoneSnapshot z = set.zone(origin).orElse(null);
    Node n = z == null ? null : z.node(name);
    return n == null ? null : n.rrset(type);
  }
}
