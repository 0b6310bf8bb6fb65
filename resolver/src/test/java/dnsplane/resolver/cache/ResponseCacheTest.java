package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.MutableClock;
import dnsplane.resolver.wire.QuestionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
  static QuestionKey key(int i) {
    String label = "h" + i;
    byte[] name = new byte[label.length() + 2];
    name[0] = (byte) label.length();
    System.arraycopy(label.getBytes(StandardCharsets.US_ASCII), 0, name, 1, label.length());
    return QuestionKey.of(name, 1, 1);
  }

  static CacheEntry entry(long now, int ttl, int bytes) {
    return CacheEntry.of(
        new Answer(new byte[bytes], new int[0], new int[0], Answer.Kind.POSITIVE, 0, now, ttl));
  }

  @Test
  void boundedByEntries() {
    MutableClock clock = new MutableClock();
    ResponseCache c = new ResponseCache(100, 1 << 20, 86_400_000L, clock);
    for (int i = 0; i < 1000; i++) {
      c.put(key(i), entry(clock.millis(), 60, 50));
    }
    assertTrue(c.entries() <= 100, "entries " + c.entries());
  }

  @Test
  void boundedByBytes() {
    MutableClock clock = new MutableClock();
    ResponseCache c = new ResponseCache(1_000_000, 100_000, 86_400_000L, clock);
    for (int i = 0; i < 1000; i++) {
      c.put(key(i), entry(clock.millis(), 60, 1000));
    }
    assertTrue(c.bytes() <= 100_000, "bytes " + c.bytes());
    assertTrue(c.entries() <= 100, "entries " + c.entries());
  }

  @Test
  void entriesLeaveOnceEvenServeStaleCannotUseThem() {
    MutableClock clock = new MutableClock();
    ResponseCache c = new ResponseCache(100, 1 << 20, 3_600_000L, clock);
    c.put(key(1), entry(clock.millis(), 60, 50));
    clock.advance(Duration.ofSeconds(60 + 3599));
    assertNotNull(c.get(key(1)), "expired but within stale-max");
    clock.advance(Duration.ofSeconds(2));
    assertNull(c.get(key(1)));
  }

  /** A fresh hit as the hit path reports it: a quiet lookup, then the sampled use. */
  static boolean hit(ResponseCache c, QuestionKey k) {
    CacheEntry e = c.peek(k);
    if (e == null) {
      return false;
    }
    c.hit(k, e);
    return true;
  }

  /**
   * Hits are recorded only by sample (ResponseCache#hit), so check that W-TinyLFU still tells a
   * popular entry from a scan: a key read now and then outlives ten thousand keys read once, while
   * one stored at the same time and never read does not.
   */
  @Test
  void aFrequentlyReadEntrySurvivesAScanOfOneHitEntries() {
    MutableClock clock = new MutableClock();
    ResponseCache c = new ResponseCache(100, 1 << 20, 86_400_000L, clock);
    QuestionKey hot = key(-1);
    QuestionKey cold = key(-2);
    c.put(hot, entry(clock.millis(), 86_400, 50));
    c.put(cold, entry(clock.millis(), 86_400, 50));
    for (int i = 0; i < 10_000; i++) {
      c.put(key(i), entry(clock.millis(), 86_400, 50));
      // not asserted: TinyLFU admits a newcomer only when it is more popular than the entry it
      // evicts
      hit(c, key(i));
      if (i % 5 == 0) {
        assertTrue(hit(c, hot), "the hot key was evicted after " + i + " one-hit keys");
      }
    }
    assertTrue(c.entries() <= 100, "entries " + c.entries());
    assertNotNull(c.peek(hot));
    assertNull(c.peek(cold), "a key never read outlived the scan");
  }

  @Test
  void flushByName() {
    MutableClock clock = new MutableClock();
    ResponseCache c = new ResponseCache(100, 1 << 20, 3_600_000L, clock);
    c.put(key(1), entry(clock.millis(), 60, 50));
    c.put(key(2), entry(clock.millis(), 60, 50));
    assertEquals(1, c.flushName(key(1).wireName()));
    assertNull(c.get(key(1)));
    assertNotNull(c.get(key(2)));
    assertEquals(1, c.flushAll());
  }
}
