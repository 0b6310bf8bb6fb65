package dnsplane.authdns.persist;

import dnsplane.authdns.zone.WireNames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * TrieOrder puts a zone's rrsets, each in its stored form ({@link SnapshotFile#encodeRrset}), into
 * the order of the zone's trie, the unsigned hash of the owner ({@link WireNames#hash}) ascending:
 * the order a server's own copies are written in, which a reader puts straight into the trie's
 * arrays instead of sorting a million names itself ({@code ZoneSetBuilder.Ordered}). Rrsets of one
 * owner stay together, in the order added.
 *
 * <p>At most {@code runBytes} of rrsets are held: past that, each full run is sorted and written to
 * a file of its own, and {@link #drainTo} merges the runs as it hands them on (an external merge
 * sort), so ordering a zone of any size takes the same memory.
 */
final class TrieOrder implements AutoCloseable {

  /** Takes the rrsets in order. */
  @FunctionalInterface
  interface Sink {
    void encoded(byte[] rrset, int offset, int length) throws IOException;
  }

  private final int runBytes;
  private final Path dir;
  private byte[] buf;
  private int used;
  private long[] keys = new long[1024]; // see key()
  private int[] offsets = new int[1024];
  private int count;
  private final List<Path> runs = new ArrayList<>();

  /** Holding at most {@code runBytes} in memory, spilling sorted runs to files in {@code dir}. */
  TrieOrder(int runBytes, Path dir) {
    this.runBytes = runBytes;
    this.dir = dir;
    this.buf = new byte[Math.min(runBytes, 1 << 16)];
  }

  /** Adds one rrset in its stored form: owner (length octet, wire octets) first. */
  void add(byte[] rrset, int length) throws IOException {
    if (count > 0 && used + length > runBytes) {
      spill();
    }
    if (used + length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(used + length, Math.min(runBytes, buf.length * 2)));
    }
    if (count == keys.length) {
      keys = Arrays.copyOf(keys, count * 2);
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    System.arraycopy(rrset, 0, buf, used, length);
    int hash = WireNames.hash(rrset, 1, 1 + (rrset[0] & 0xff));
    keys[count] = key(hash, count);
    offsets[count] = used;
    count++;
    used += length;
  }

  /** Hands {@code sink} every rrset added, in trie order, and starts empty again. */
  void drainTo(Sink sink) throws IOException {
    if (runs.isEmpty()) {
      Arrays.sort(keys, 0, count);
      for (int i = 0; i < count; i++) {
        int index = (int) keys[i];
        sink.encoded(buf, offsets[index], lengthOf(index));
      }
    } else {
      spill();
      merge(sink);
    }
    reset();
  }

  /**
   * A sort key: the hash in the top half with its sign bit flipped, so that a signed sort of keys
   * is an unsigned sort of hashes; the index below it keeps an owner's rrsets in the order added.
   */
  private static long key(int hash, int index) {
    return (long) (hash ^ Integer.MIN_VALUE) << 32 | index;
  }

  private static int hashOf(long key) {
    return (int) (key >>> 32) ^ Integer.MIN_VALUE;
  }

  private int lengthOf(int index) {
    return (index + 1 < count ? offsets[index + 1] : used) - offsets[index];
  }

  /** Writes the rrsets held as one sorted run: per rrset its hash, its length, its octets. */
  private void spill() throws IOException {
    Arrays.sort(keys, 0, count);
    Path run = Files.createTempFile(dir, "dnsplane-trie-order-", ".run");
    runs.add(run);
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
      for (int i = 0; i < count; i++) {
        int index = (int) keys[i];
        int length = lengthOf(index);
        out.writeInt(hashOf(keys[i]));
        out.writeInt(length);
        out.write(buf, offsets[index], length);
      }
    }
    used = 0;
    count = 0;
  }

  private void merge(Sink sink) throws IOException {
    PriorityQueue<RunReader> heads =
        new PriorityQueue<>(
            (a, b) -> {
              int c = Integer.compareUnsigned(a.hash, b.hash);
              return c != 0 ? c : Integer.compare(a.order, b.order);
            });
    List<RunReader> open = new ArrayList<>();
    try {
      for (Path run : runs) {
        RunReader r = new RunReader(run, open.size());
        open.add(r);
        if (r.next()) {
          heads.add(r);
        }
      }
      while (!heads.isEmpty()) {
        RunReader r = heads.poll();
        sink.encoded(r.rrset, 0, r.length);
        if (r.next()) {
          heads.add(r);
        }
      }
    } finally {
      for (RunReader r : open) {
        r.in.close();
      }
    }
  }

  private void reset() throws IOException {
    used = 0;
    count = 0;
    deleteRuns();
  }

  private void deleteRuns() throws IOException {
    IOException failed = null;
    for (Path run : runs) {
      try {
        Files.deleteIfExists(run);
      } catch (IOException e) {
        failed = e;
      }
    }
    runs.clear();
    if (failed != null) {
      throw failed;
    }
  }

  /** Deletes the run files left (a write abandoned part way). */
  @Override
  public void close() {
    try {
      deleteRuns();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One run file, an rrset at a time; runs of one hash are taken in the order they were made. */
  private static final class RunReader {
    final DataInputStream in;
    final int order;
    int hash;
    int length;
    byte[] rrset = new byte[256];

    RunReader(Path run, int order) throws IOException {
      this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
      this.order = order;
    }

    boolean next() throws IOException {
      try {
        hash = in.readInt();
      } catch (EOFException end) {
        return false;
      }
      length = in.readInt();
      if (length > rrset.length) {
        rrset = new byte[Math.max(length, rrset.length * 2)];
      }
      in.readFully(rrset, 0, length);
      return true;
    }
  }
}
