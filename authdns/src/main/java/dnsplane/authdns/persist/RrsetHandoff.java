package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneSetBuilder;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * RrsetHandoff adds the rrsets a snapshot copy's reader decodes to the zones being built on a
 * second thread, in batches, so that decoding the next rrsets (names and records out of their wire
 * form: half of a restart's time at a million names) overlaps adding these (checks, hashes, the
 * trie's arrays). The order of zones and rrsets is kept exactly. An rrset the builder refuses stops
 * the adding; {@link #finish} reports it, and nothing of the copy is served.
 */
final class RrsetHandoff implements AutoCloseable {

  private static final int BATCH = 4096;
  private static final Batch END = new Batch();

  /** A run of one zone's rrsets; {@code start} opens the zone first, {@code done} ends it after. */
  private static final class Batch {
    final Name[] names = new Name[BATCH];
    final byte[][] wires = new byte[BATCH][];
    final int[] types = new int[BATCH];
    final Object[] records = new Object[BATCH];
    int size;
    Name origin; // non-null: the zone starts here
    long serial;
    int expected;
    boolean done;
  }

  private final ZoneSetBuilder zones;
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(8);
  private final Thread adder;
  private volatile RuntimeException failure;
  private Batch current = new Batch();

  RrsetHandoff(ZoneSetBuilder zones) {
    this.zones = zones;
    this.adder = new Thread(this::run, "snapshot-build");
    adder.setDaemon(true);
    adder.start();
  }

  /** A zone {@code origin} with {@code serial} starts; {@code expected} rrsets follow. */
  void zone(Name origin, long serial, int expected) throws InterruptedException {
    if (current.size > 0 || current.origin != null) {
      send();
    }
    current.origin = origin;
    current.serial = serial;
    current.expected = expected;
  }

  void rrset(Name name, byte[] wire, int type, List<Record> records) throws InterruptedException {
    Batch b = current;
    int i = b.size;
    b.names[i] = name;
    b.wires[i] = wire;
    b.types[i] = type;
    b.records[i] = records;
    b.size = i + 1;
    if (b.size == BATCH) {
      send();
    }
  }

  /** The zone started last is complete. */
  void zoneDone() throws InterruptedException {
    current.done = true;
    send();
  }

  /** Waits until everything handed over is added; throws what the builder refused, if it did. */
  void finish() throws InterruptedException {
    if (current.size > 0 || current.origin != null) {
      send();
    }
    queue.put(END);
    adder.join();
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the adding thread if {@link #finish} was not reached (the copy was refused). */
  @Override
  public void close() {
    if (adder.isAlive()) {
      failure = failure != null ? failure : new IllegalStateException("abandoned");
      adder.interrupt();
      try {
        adder.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands the current batch over; throws what the builder refused, if it has: reading on is
   * pointless.
   */
  private void send() throws InterruptedException {
    if (failure != null) {
      throw failure;
    }
    queue.put(current);
    current = new Batch();
  }

  @SuppressWarnings("unchecked")
  private void run() {
    ZoneSetBuilder.Ordered zone = null;
    try {
      while (true) {
        Batch b = queue.take();
        if (b == END) {
          return;
        }
        if (failure != null) {
          continue; // drained, so the reader never blocks on a full queue
        }
        try {
          if (b.origin != null) {
            zone = zones.ordered(b.origin, b.serial, b.expected);
          }
          for (int i = 0; i < b.size; i++) {
            zone.add(b.names[i], b.wires[i], b.types[i], (List<Record>) b.records[i]);
          }
          if (b.done) {
            zone.done();
            zone = null;
          }
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    } catch (InterruptedException e) {
      // close(): the copy was refused; what was built is dropped with it.
    }
  }
}
