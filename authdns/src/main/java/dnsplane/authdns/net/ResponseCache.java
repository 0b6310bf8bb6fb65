package dnsplane.authdns.net;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.answer.CacheInvalidation;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Name;

/**
 * ResponseCache holds rendered responses across snapshots, each with what it depends on ({@link
 * AnswerDependencies}), so that a swap drops only the answers its changes touch ({@link
 * CacheInvalidation}): by name through an index, by zone, or, for the answers that carry a zone's
 * serial, by a per-zone epoch checked on each hit. It is bounded in entries and in bytes; past
 * either bound, one thread drops an eighth of the entries. Which snapshot may add answers is {@link
 * AnswerCache}'s decision.
 */
final class ResponseCache {

  /** What one cached answer costs beyond its bytes: key, entry, index slots (measured order). */
  static final int OVERHEAD_BYTES = 200;

  /**
   * Rendered response, the metric series it counts in, and, once cached, what invalidates it. One
   * object per answer: the hit path follows as few pointers as it can.
   */
  record Entry(
      byte[] wire,
      LongAdder udpQueries,
      LongAdder tcpQueries,
      LongAdder nodata,
      boolean truncated,
      Name zone,
      SerialEpoch epoch,
      int serialEpoch,
      Name[] names,
      long bytes) {

    /** A rendered answer, not cached yet. */
    Entry(byte[] wire, LongAdder udp, LongAdder tcp, LongAdder nodata, boolean truncated) {
      this(wire, udp, tcp, nodata, truncated, null, null, -1, new Name[0], 0);
    }

    boolean valid() {
      return serialEpoch < 0 || epoch.value == serialEpoch;
    }
  }

  /** Bumped each time a zone's serial changes: answers holding the old serial stop matching. */
  static final class SerialEpoch {
    volatile int value;
  }

  private final int maxEntries;
  private final long maxBytes;
  private final ConcurrentHashMap<CacheKey, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Name, CacheKey[]> dependents = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Name, SerialEpoch> epochs = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean evicting = new AtomicBoolean();

  ResponseCache(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** The cached answer for {@code key}, or null. */
  Entry get(CacheKey key) {
    Entry e = entries.get(key);
    return e != null && e.valid() ? e : null;
  }

  /** Whether anything may be cached at all. */
  boolean enabled() {
    return maxEntries > 0 && maxBytes > 0;
  }

  /**
   * Caches {@code entry} under {@code key} (an immutable copy); returns the stored token, for
   * {@link #remove(CacheKey, Object)}.
   */
  Object put(CacheKey key, Entry entry, AnswerDependencies deps) {
    SerialEpoch epoch =
        deps.zone() == null ? null : epochs.computeIfAbsent(deps.zone(), z -> new SerialEpoch());
    Entry c =
        new Entry(
            entry.wire(),
            entry.udpQueries(),
            entry.tcpQueries(),
            entry.nodata(),
            entry.truncated(),
            deps.zone(),
            epoch,
            deps.serialBound() && epoch != null ? epoch.value : -1,
            deps.names().toArray(Name[]::new),
            (long) entry.wire().length + key.length() + OVERHEAD_BYTES);
    Entry old = entries.put(key, c);
    account(old, -1);
    account(c, +1);
    for (Name n : c.names()) {
      dependents.merge(n, new CacheKey[] {key}, ResponseCache::with);
    }
    if (size.get() > maxEntries || bytes.get() > maxBytes) {
      evict();
    }
    return c;
  }

  /** Removes {@code key} if it still holds {@code token}. */
  void remove(CacheKey key, Object token) {
    if (token instanceof Entry c && entries.remove(key, c)) {
      account(c, -1);
      unindex(key, c);
    }
  }

  /** Drops what {@code inv} invalidates. */
  void invalidate(CacheInvalidation inv) {
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
      CacheKey[] keys = dependents.remove(n);
      if (keys != null) {
        for (CacheKey k : keys) {
          Entry c = entries.remove(k);
          if (c != null) {
            account(c, -1);
            unindex(k, c);
          }
        }
      }
    }
    if (!inv.zones().isEmpty()) {
      removeIf((k, c) -> c.zone() != null && inv.zones().contains(c.zone()));
    }
  }

  /** Drops every answer. */
  void clear() {
    removeIf((k, c) -> true);
  }

  int size() {
    return size.get();
  }

  long bytes() {
    return bytes.get();
  }

  private interface Match {
    boolean test(CacheKey k, Entry c);
  }

  private void removeIf(Match m) {
    for (Iterator<Map.Entry<CacheKey, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<CacheKey, Entry> e = it.next();
      if (m.test(e.getKey(), e.getValue()) && entries.remove(e.getKey(), e.getValue())) {
        account(e.getValue(), -1);
        unindex(e.getKey(), e.getValue());
      }
    }
  }

  /** Drops about an eighth of the entries (in hash order: no recency is kept on the hit path). */
  private void evict() {
    if (!evicting.compareAndSet(false, true)) {
      return;
    }
    try {
      int entryTarget = maxEntries - maxEntries / 8;
      long byteTarget = maxBytes - maxBytes / 8;
      for (Iterator<Map.Entry<CacheKey, Entry>> it = entries.entrySet().iterator();
          it.hasNext() && (size.get() > entryTarget || bytes.get() > byteTarget); ) {
        Map.Entry<CacheKey, Entry> e = it.next();
        if (entries.remove(e.getKey(), e.getValue())) {
          account(e.getValue(), -1);
          unindex(e.getKey(), e.getValue());
        }
      }
    } finally {
      evicting.set(false);
    }
  }

  private void account(Entry c, int sign) {
    if (c != null) {
      size.addAndGet(sign);
      bytes.addAndGet(sign * c.bytes());
    }
  }

  private void unindex(CacheKey key, Entry c) {
    for (Name n : c.names()) {
      dependents.computeIfPresent(n, (name, keys) -> without(keys, key));
    }
  }

  private static CacheKey[] with(CacheKey[] keys, CacheKey[] add) {
    for (CacheKey k : keys) {
      if (k.equals(add[0])) {
        return keys;
      }
    }
    CacheKey[] out = Arrays.copyOf(keys, keys.length + 1);
    out[keys.length] = add[0];
    return out;
  }

  private static CacheKey[] without(CacheKey[] keys, CacheKey key) {
    int i = 0;
    while (i < keys.length && !keys[i].equals(key)) {
      i++;
    }
    if (i == keys.length) {
      return keys;
    }
    if (keys.length == 1) {
      return null;
    }
    CacheKey[] out = new CacheKey[keys.length - 1];
    System.arraycopy(keys, 0, out, 0, i);
    System.arraycopy(keys, i + 1, out, i, keys.length - i - 1);
    return out;
  }
}
