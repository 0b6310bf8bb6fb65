package dnsplane.authdns.net;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.answer.CacheInvalidation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.xbill.DNS.Name;

/**
 * ResponseCache holds rendered responses across snapshots, each with what it depends on ({@link
 * AnswerDependencies}), so that a swap drops only the answers its changes touch ({@link
 * CacheInvalidation}): by name through an index, by zone, or, for the answers that carry a zone's
 * serial, by a per-zone epoch checked on each hit. It is bounded in entries and in bytes. Once
 * full, a new answer comes in only in place of one asked for less often lately, by a {@link
 * FrequencySketch} of every request (TinyLFU admission), so answers that stay popular stay cached
 * whatever else is asked, and a miss for a name asked once costs no eviction and leaves no garbage
 * to outlive a young collection. Which snapshot may add answers is {@link AnswerCache}'s decision.
 *
 * <p>The entries are in an {@link EntryTable}, read without a lock; writers (misses, swaps,
 * eviction) serialize on the cache. An entry removed before a swap is published is never read by a
 * query of the snapshot after it (the removal happens-before the holder's volatile store).
 */
final class ResponseCache {

  /**
   * What one cached answer costs beyond its bytes: entry, arrays' headers, table and index slots.
   */
  static final int OVERHEAD_BYTES = 160;

  /** How many entries an admission looks at to choose the one it would displace. */
  private static final int VICTIM_SAMPLE = 4;

  /** One full miss in this many (at random) is weighed for admission: see {@link #admit}. */
  static final int ADMISSION_TRIES = 16;

  /**
   * A rendered response, the metric series it counts in, and, once cached, its key and what
   * invalidates it. {@link #data} is the key's bytes then the response's, so the hit path reads one
   * array for both.
   */
  static final class Entry {
    final byte[] data;
    final int keyLength;
    final int hash;
    final LongAdder udpQueries;
    final LongAdder tcpQueries;
    final LongAdder nodata;
    final boolean truncated;
    final Name zone;
    final SerialEpoch epoch;
    final int serialEpoch;
    final Name[] names;

    /** A rendered answer, not cached yet. */
    Entry(byte[] wire, LongAdder udp, LongAdder tcp, LongAdder nodata, boolean truncated) {
      this(wire, 0, 0, udp, tcp, nodata, truncated, null, null, -1, new Name[0]);
    }

    private Entry(
        byte[] data,
        int keyLength,
        int hash,
        LongAdder udpQueries,
        LongAdder tcpQueries,
        LongAdder nodata,
        boolean truncated,
        Name zone,
        SerialEpoch epoch,
        int serialEpoch,
        Name[] names) {
      this.data = data;
      this.keyLength = keyLength;
      this.hash = hash;
      this.udpQueries = udpQueries;
      this.tcpQueries = tcpQueries;
      this.nodata = nodata;
      this.truncated = truncated;
      this.zone = zone;
      this.epoch = epoch;
      this.serialEpoch = serialEpoch;
      this.names = names;
    }

    /** Where the response starts in {@link #data}. */
    int wireOffset() {
      return keyLength;
    }

    /** The response's length. */
    int wireLength() {
      return data.length - keyLength;
    }

    /** A copy of the response. */
    byte[] wire() {
      return Arrays.copyOfRange(data, keyLength, data.length);
    }

    long bytes() {
      return (long) data.length + OVERHEAD_BYTES;
    }

    boolean valid() {
      return serialEpoch < 0 || epoch.value == serialEpoch;
    }

    boolean matches(CacheKey k) {
      return hash == k.hashCode() && k.equalsBytes(data, keyLength);
    }
  }

  /** Bumped each time a zone's serial changes: answers holding the old serial stop matching. */
  static final class SerialEpoch {
    volatile int value;
  }

  private final int maxEntries;
  private final long maxBytes;
  private final EntryTable table;
  private final FrequencySketch sketch;
  // Guarded by this: only writers touch them.
  private final Map<Name, Entry[]> dependents = new HashMap<>();
  private final Map<Name, SerialEpoch> epochs = new HashMap<>();
  private long bytes;
  private int cursor;
  private int victimFrequency;
  private long tries; // a linear congruential generator's state: which misses are weighed
  // Read without the lock by the gauge.
  private volatile int size;

  ResponseCache(int maxEntries, long maxBytes) {
    this.maxEntries = Math.max(0, maxEntries);
    this.maxBytes = maxBytes;
    this.table = new EntryTable(this.maxEntries);
    this.sketch = new FrequencySketch(this.maxEntries);
  }

  /** The cached answer for {@code key}, or null. Takes no lock. */
  Entry get(CacheKey key) {
    Entry e = table.find(key);
    return e != null && e.valid() ? e : null;
  }

  /**
   * Counts a request for {@code key}, hit or miss: what {@link #put} weighs when the cache is full.
   * Takes no lock (see FrequencySketch).
   */
  void record(CacheKey key) {
    sketch.increment(key.hashCode());
  }

  /** Whether anything may be cached at all. */
  boolean enabled() {
    return maxEntries > 0 && maxBytes > 0;
  }

  /**
   * Caches {@code entry} under {@code key} and returns the stored entry, for {@link
   * #remove(Entry)}; or, when the cache is full and the key has been asked for no more often lately
   * than the entries it would displace, stores nothing and returns null (TinyLFU's admission: a
   * stream of names asked once, a uniform sweep of a million names or a random-subdomain flood,
   * cannot wash out the answers asked for again and again, and does not turn every miss into an
   * eviction).
   */
  synchronized Entry put(CacheKey key, Entry entry, AnswerDependencies deps) {
    int wireLength = entry.wireLength();
    long need = (long) key.length() + wireLength + OVERHEAD_BYTES;
    if (table.find(key) == null && !admit(key.hashCode(), need)) {
      return null;
    }
    SerialEpoch epoch =
        deps.zone() == null ? null : epochs.computeIfAbsent(deps.zone(), z -> new SerialEpoch());
    byte[] data = new byte[key.length() + wireLength];
    key.copyTo(data);
    System.arraycopy(entry.data, entry.wireOffset(), data, key.length(), wireLength);
    Entry c =
        new Entry(
            data,
            key.length(),
            key.hashCode(),
            entry.udpQueries,
            entry.tcpQueries,
            entry.nodata,
            entry.truncated,
            deps.zone(),
            epoch,
            deps.serialBound() && epoch != null ? epoch.value : -1,
            deps.names().toArray(Name[]::new));
    Entry replaced = table.insert(c, key);
    if (replaced == null) {
      size++;
    } else {
      bytes -= replaced.bytes();
      unindex(replaced);
    }
    bytes += c.bytes();
    for (Name n : c.names) {
      dependents.merge(n, new Entry[] {c}, ResponseCache::with);
    }
    if (size > maxEntries || bytes > maxBytes) {
      evict();
    }
    return c;
  }

  /** Removes {@code stored} if it is still cached. */
  synchronized void remove(Entry stored) {
    if (removeEntry(stored)) {
      unindex(stored);
    }
  }

  /** Drops what {@code inv} invalidates. */
  synchronized void invalidate(CacheInvalidation inv) {
    if (inv.everything()) {
      clear();
      return;
    }
    for (Name zone : inv.serials()) {
      SerialEpoch e = epochs.get(zone);
      if (e != null) {
        e.value++;
      }
    }
    for (Name n : inv.names()) {
      Entry[] dropped = dependents.remove(n);
      if (dropped != null) {
        for (Entry c : dropped) {
          if (removeEntry(c)) {
            unindex(c);
          }
        }
      }
    }
    if (!inv.zones().isEmpty()) {
      removeIf(c -> c.zone != null && inv.zones().contains(c.zone));
    }
  }

  /** Drops every answer. */
  synchronized void clear() {
    removeIf(c -> true);
  }

  int size() {
    return size;
  }

  synchronized long bytes() {
    return bytes;
  }

  // Collects first, then removes: a removal shifts entries back, which a scan could skip over.
  private void removeIf(Predicate<Entry> match) {
    List<Entry> doomed = new ArrayList<>();
    for (int i = 0; i < table.capacity(); i++) {
      Entry e = table.at(i);
      if (e != null && match.test(e)) {
        doomed.add(e);
      }
    }
    for (Entry e : doomed) {
      if (removeEntry(e)) {
        unindex(e);
      }
    }
  }

  private boolean full(long need) {
    return size >= maxEntries || bytes + need > maxBytes;
  }

  /**
   * Whether a new entry with hash {@code hash} and size {@code need} may come in; makes room for it
   * when it may. While the cache is full, each entry it would displace is the least asked-for of a
   * few sampled round the table from the clock hand, and it comes in only if asked for more often
   * than that one.
   */
  private boolean admit(int hash, long need) {
    if (!full(need)) {
      return true;
    }
    int frequency = sketch.frequency(hash);
    if (frequency < 2) {
      return false; // asked once lately (this time): it displaces nothing, whatever the victim
    }
    // Only one full miss in ADMISSION_TRIES goes on to be weighed against the entries it would
    // displace: reading their counts is a cache miss each, spread over the sketch, and a success
    // evicts and unindexes one entry and allocates another. A name asked often misses often, so it
    // is weighed soon all the same; names asked a few times apiece (a uniform sweep of a zone ten
    // times the cache) mostly are not, and do not churn the cache.
    tries = tries * 0x5DEECE66DL + 0xBL;
    if ((tries >>> 17) % ADMISSION_TRIES != 0) {
      return false;
    }
    while (full(need) && size > 0) {
      Entry victim = sampleVictim();
      if (victimFrequency >= frequency) {
        return false;
      }
      removeEntry(victim);
      unindex(victim);
    }
    return !full(need);
  }

  /**
   * The least asked-for of the next few entries from the clock hand, which moves past them; its
   * frequency is left in {@link #victimFrequency}.
   */
  private Entry sampleVictim() {
    Entry victim = null;
    victimFrequency = Integer.MAX_VALUE;
    for (int seen = 0, n = 0; seen < VICTIM_SAMPLE && n < table.capacity(); n++) {
      Entry e = table.at(cursor);
      int hash = table.hashAt(cursor);
      cursor = table.next(cursor);
      if (e != null) {
        seen++;
        int f = sketch.frequency(hash);
        if (f < victimFrequency) {
          victim = e;
          victimFrequency = f;
        }
      }
    }
    return victim;
  }

  /**
   * Drops about an eighth of the entries, going round the table from where the last eviction
   * stopped: the bound's backstop when an answer replaced by a larger one overshoots it.
   */
  private void evict() {
    int entryTarget = maxEntries - maxEntries / 8;
    long byteTarget = maxBytes - maxBytes / 8;
    for (int n = 0; n < 2 * table.capacity() && (size > entryTarget || bytes > byteTarget); n++) {
      Entry e = table.at(cursor);
      if (e != null && removeEntry(e)) {
        unindex(e);
        // The slot may now hold an entry shifted back into it: look at it again.
      } else {
        cursor = table.next(cursor);
      }
    }
  }

  /** Takes {@code c} (this very entry) out of the table; false when it is not there. */
  private boolean removeEntry(Entry c) {
    if (!table.remove(c)) {
      return false;
    }
    size--;
    bytes -= c.bytes();
    return true;
  }

  private void unindex(Entry c) {
    for (Name n : c.names) {
      Entry[] left = without(dependents.get(n), c);
      if (left == null) {
        dependents.remove(n);
      } else {
        dependents.put(n, left);
      }
    }
  }

  private static Entry[] with(Entry[] entries, Entry[] add) {
    Entry[] out = Arrays.copyOf(entries, entries.length + 1);
    out[entries.length] = add[0];
    return out;
  }

  private static Entry[] without(Entry[] entries, Entry c) {
    if (entries == null) {
      return null;
    }
    int i = 0;
    while (i < entries.length && entries[i] != c) {
      i++;
    }
    if (i == entries.length) {
      return entries;
    }
    if (entries.length == 1) {
      return null;
    }
    Entry[] out = new Entry[entries.length - 1];
    System.arraycopy(entries, 0, out, 0, i);
    System.arraycopy(entries, i + 1, out, i, entries.length - i - 1);
    return out;
  }
}
