package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/**
 * The cache's byte bound is a bound on heap: what {@link ResponseCache#bytes} counts for a full
 * cache must cover what its entries really take, map and eviction bookkeeping included. Counted
 * low, a cache sized to its heap (the benchmark's 256m in a 512m heap) held about half as much
 * again as it counted, and the resolver spent most of its time in full collections once the cache
 * filled.
 */
class ResponseCacheFootprintTest {
  private static final int ENTRIES = 200_000;

  @Test
  void countedBytesCoverTheHeapTheEntriesTake() {
    MutableClock clock = new MutableClock();
    // Bounds far above what is put: nothing is evicted, every entry is held and counted.
    ResponseCache cache = new ResponseCache(10_000_000, 1L << 40, 86_400_000L, clock);
    long before = heapAfterCollection();
    for (int i = 0; i < ENTRIES; i++) {
      // A wildcard's A answer, as the benchmark's cache-miss run stores: about 50 bytes of wire.
      cache.put(
          ResponseCacheTest.key(i),
          CacheEntry.of(
              new Answer(
                  new byte[50],
                  new int[] {40},
                  new int[] {300},
                  Answer.Kind.POSITIVE,
                  0,
                  clock.millis(),
                  300)));
    }
    cache.entries(); // lets Caffeine finish its bookkeeping of the puts
    long taken = heapAfterCollection() - before;
    long counted = cache.bytes();
    double ratio = (double) counted / taken;
    assertTrue(
        ratio >= 0.95 && ratio <= 1.5,
        "counted " + counted + " bytes for " + taken + " bytes of heap (" + ratio + "x)");
    assertEquals(
        ENTRIES, cache.entries(), "every entry held"); // and the cache reachable until here
  }

  private static long heapAfterCollection() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // Explicit collections until the figure settles: one may leave floating garbage behind.
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(now - used) < 256 * 1024) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
