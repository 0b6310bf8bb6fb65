package dnsplane.authdns.net;

import dnsplane.authdns.zone.ZoneSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * ResponseCache holds rendered responses for one {@link ZoneSet}. Because the answer is a pure
 * function of (snapshot, query), a cached response is valid exactly as long as its snapshot is
 * served: a new snapshot gets a new, empty cache, so a committed change is never hidden by it.
 */
final class ResponseCache {
  /** Rendered response and the metric series it counts in. */
  record Entry(
      byte[] wire,
      LongAdder udpQueries,
      LongAdder tcpQueries,
      LongAdder nodata,
      boolean truncated) {}

  private final ZoneSet zones;
  private final int maxEntries;
  private final ConcurrentHashMap<CacheKey, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  ResponseCache(ZoneSet zones, int maxEntries) {
    this.zones = zones;
    this.maxEntries = maxEntries;
  }

  ZoneSet zones() {
    return zones;
  }

  Entry get(CacheKey key) {
    return entries.get(key);
  }

  void put(CacheKey key, Entry entry) {
    if (maxEntries <= 0) {
      return;
    }
    // Crude but bounded: a flood of distinct names empties the cache instead of growing it.
    if (size.incrementAndGet() > maxEntries) {
      entries.clear();
      size.set(1);
    }
    entries.put(key, entry);
  }
}
