package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.answer.CacheInvalidation;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The open-addressing table under ResponseCache against a HashMap model: random puts, removals and
 * invalidations on a table small enough that probe runs collide, wrap and shift back on removal.
 */
class ResponseCacheTest {
  private static final Name ZONE = Name.fromConstantString("t.");
  private static final int NAMES = 60;

  @Test
  void everyLookupAgreesWithAMapUnderRandomPutsRemovalsAndInvalidations() {
    long seed = Long.getLong("dnsplane.response-cache.seed", System.nanoTime());
    Random rnd = new Random(seed);
    // 64 entries: a 128-slot table, filled to almost half by 60 names.
    ResponseCache cache = new ResponseCache(64, 1 << 20);
    Map<Integer, ResponseCache.Entry> model = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      int n = rnd.nextInt(NAMES);
      int op = rnd.nextInt(10);
      if (op < 6) {
        model.put(n, cache.put(key(n), rendered(n, step), deps(n)));
      } else if (op < 8) {
        ResponseCache.Entry stored = model.remove(n);
        if (stored != null) {
          cache.remove(stored);
        }
      } else {
        cache.invalidate(
            new CacheInvalidation(false, Set.of(), Set.of(), Set.of(name(n), name(n + 1))));
        model.remove(n);
        model.remove(n + 1);
      }
      for (int k = 0; k < NAMES; k++) {
        ResponseCache.Entry want = model.get(k);
        ResponseCache.Entry got = cache.get(key(k));
        assertEquals(want, got, "seed " + seed + ", step " + step + ", name " + k);
      }
      assertEquals(model.size(), cache.size(), "seed " + seed + ", step " + step);
    }
  }

  @Test
  void theEntryBoundHoldsAndWhatStaysIsRight() {
    ResponseCache cache = new ResponseCache(64, 1 << 20);
    for (int n = 0; n < 5_000; n++) {
      cache.put(key(n), rendered(n, n), deps(n));
      assertTrue(cache.size() <= 64, "size " + cache.size() + " after " + n);
    }
    int found = 0;
    for (int n = 0; n < 5_000; n++) {
      ResponseCache.Entry e = cache.get(key(n));
      if (e != null) {
        found++;
        assertArrayEquals(rendered(n, n).wire(), e.wire());
      }
    }
    assertEquals(cache.size(), found);
    assertTrue(found >= 64 - 64 / 8, "found " + found);
  }

  @Test
  void theByteBoundHolds() {
    long bound = 64 * 1024;
    ResponseCache cache = new ResponseCache(100_000, bound);
    for (int n = 0; n < 10_000; n++) {
      cache.put(key(n), rendered(n, n), deps(n));
      assertTrue(cache.bytes() <= bound, "bytes " + cache.bytes());
    }
    assertTrue(cache.size() > 0);
  }

  @Test
  void aSerialChangeHidesTheAnswersThatCarryTheSerial() {
    ResponseCache cache = new ResponseCache(64, 1 << 20);
    cache.put(key(1), rendered(1, 1), new AnswerDependencies(ZONE, true, List.of(name(1))));
    cache.put(key(2), rendered(2, 2), deps(2));
    cache.invalidate(new CacheInvalidation(false, Set.of(), Set.of(ZONE), Set.of()));
    assertNull(cache.get(key(1)));
    assertArrayEquals(rendered(2, 2).wire(), cache.get(key(2)).wire());
  }

  @Test
  void readersRacingWritersNeverGetAnotherKeysAnswer() throws Exception {
    ResponseCache cache = new ResponseCache(64, 1 << 20);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> wrong = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              Random rnd = new Random(1);
              while (!stop.get()) {
                int n = rnd.nextInt(200);
                ResponseCache.Entry e = cache.get(key(n));
                if (e != null
                    && !new String(e.wire(), StandardCharsets.US_ASCII).startsWith(n + "@")) {
                  wrong.set(
                      "name " + n + " got " + new String(e.wire(), StandardCharsets.US_ASCII));
                }
              }
            });
    reader.start();
    Random rnd = new Random(2);
    for (int step = 0; step < 200_000 && wrong.get() == null; step++) {
      int n = rnd.nextInt(200);
      if (rnd.nextBoolean()) {
        cache.put(key(n), rendered(n, step), deps(n));
      } else {
        cache.invalidate(new CacheInvalidation(false, Set.of(), Set.of(), Set.of(name(n))));
      }
    }
    stop.set(true);
    reader.join();
    assertNull(wrong.get());
  }

  @Test
  void aFloodOfNamesAskedOnceCannotWashOutTheNamesAskedOften() {
    ResponseCache cache = new ResponseCache(1000, 1 << 24);
    int hot = 500;
    for (int round = 0; round < 4; round++) {
      for (int n = 0; n < hot; n++) {
        ask(cache, n);
      }
    }
    Random rnd = new Random(5);
    int hotAsked = 0;
    int hotHits = 0;
    // A random-subdomain flood: 100,000 names asked once each, among the hot names' queries.
    for (int i = 0; i < 100_000; i++) {
      ask(cache, 1_000_000 + i);
      if (i % 4 == 0) {
        hotAsked++;
        hotHits += ask(cache, rnd.nextInt(hot)) ? 1 : 0;
      }
    }
    assertTrue(hotHits > hotAsked * 0.98, hotHits + " hits of " + hotAsked + " hot queries");
    assertTrue(cache.size() <= 1000);
  }

  @Test
  void aUniformSweepOfTenTimesTheBoundRarelyEvicts() {
    ResponseCache cache = new ResponseCache(1000, 1 << 24);
    Random rnd = new Random(9);
    int misses = 0;
    int admittedOnceFull = 0;
    boolean filled = false;
    for (int i = 0; i < 100_000; i++) {
      int n = rnd.nextInt(10_000);
      cache.record(key(n));
      if (cache.get(key(n)) == null) {
        misses++;
        filled |= cache.size() >= 1000;
        if (cache.put(key(n), rendered(n, i), deps(n)) != null && filled) {
          admittedOnceFull++;
        }
      }
    }
    // Each answer admitted once the cache is full displaces another (garbage for the collector
    // to promote); caching every miss, that was every miss.
    assertTrue(misses > 80_000, misses + " misses");
    assertTrue(
        admittedOnceFull < misses / 20, admittedOnceFull + " admitted of " + misses + " misses");
  }

  @Test
  void aNameThatTurnsPopularOnceTheCacheIsFullGetsInSoon() {
    ResponseCache cache = new ResponseCache(1000, 1 << 24);
    // Full of names asked twice each.
    for (int round = 0; round < 2; round++) {
      for (int n = 0; n < 1000; n++) {
        ask(cache, n);
      }
    }
    assertEquals(1000, cache.size());
    // A new name asked again and again, among a stream of names asked once: only some full misses
    // are weighed for admission, and this one misses on every query until it is in.
    int asked = 0;
    for (int i = 0; !ask(cache, 5_000_000); i++) {
      asked++;
      ask(cache, 1_000_000 + i);
      assertTrue(asked < 40 * ResponseCache.ADMISSION_TRIES, "not admitted after " + asked);
    }
  }

  /**
   * One query for name {@code n}, as the query path makes it: counted, looked up, cached on a miss.
   */
  private static boolean ask(ResponseCache cache, int n) {
    cache.record(key(n));
    if (cache.get(key(n)) != null) {
      return true;
    }
    cache.put(key(n), rendered(n, n), deps(n));
    return false;
  }

  private static CacheKey key(int n) {
    byte[] label = ("n" + n).getBytes(StandardCharsets.US_ASCII);
    byte[] qname = new byte[label.length + 4];
    qname[0] = (byte) label.length;
    System.arraycopy(label, 0, qname, 1, label.length);
    qname[label.length + 1] = 1;
    qname[label.length + 2] = 't';
    return new CacheKey(64).fill(qname, qname.length, Type.A, DClass.IN, 1232, 1);
  }

  private static Name name(int n) {
    return Name.fromConstantString("n" + n + ".t.");
  }

  private static AnswerDependencies deps(int n) {
    return new AnswerDependencies(ZONE, false, List.of(name(n)));
  }

  private static ResponseCache.Entry rendered(int n, int version) {
    byte[] wire = (n + "@" + version).getBytes(StandardCharsets.US_ASCII);
    return new ResponseCache.Entry(wire, null, null, null, false);
  }
}
