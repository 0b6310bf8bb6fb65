package dnsplane.resolver.cache;

import static dnsplane.resolver.cache.StaleRules.Plan.FRESH;
import static dnsplane.resolver.cache.StaleRules.Plan.MISS;
import static dnsplane.resolver.cache.StaleRules.Plan.REFRESH_THEN_STALE;
import static dnsplane.resolver.cache.StaleRules.Plan.STALE_NOW;
import static dnsplane.resolver.cache.StaleRules.Plan.SUSPECT_RETRY;
import static dnsplane.resolver.cache.StaleRules.Plan.SUSPECT_STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StaleRulesTest {
  static final long T0 = 1_000_000L;
  static final long DAY = 86_400_000L;

  static Answer answer(int ttl) {
    return new Answer(new byte[12], new int[0], new int[0], Answer.Kind.POSITIVE, 0, T0, ttl);
  }

  @Test
  void planFollowsTheTable() {
    CacheEntry e = CacheEntry.of(answer(60));
    assertEquals(MISS, StaleRules.plan(null, T0, DAY));
    assertEquals(FRESH, StaleRules.plan(e, T0 + 59_999, DAY));
    assertEquals(REFRESH_THEN_STALE, StaleRules.plan(e, T0 + 60_000, DAY));
    assertEquals(STALE_NOW, StaleRules.plan(e.withStaleRecheckAt(T0 + 90_000), T0 + 61_000, DAY));
    assertEquals(
        REFRESH_THEN_STALE, StaleRules.plan(e.withStaleRecheckAt(T0 + 90_000), T0 + 90_000, DAY));
    // past stale-max nothing can be served
    assertEquals(MISS, StaleRules.plan(e, T0 + 60_000 + DAY, DAY));
    CacheEntry suspect = e.withGuard(new GuardState(T0, T0 + 5_000, 1));
    assertEquals(SUSPECT_STALE, StaleRules.plan(suspect, T0 + 4_999, DAY));
    assertEquals(SUSPECT_RETRY, StaleRules.plan(suspect, T0 + 5_000, DAY));
  }

  @Test
  void servableUntilStaleMaxAfterExpiry() {
    assertTrue(StaleRules.servable(answer(60), T0 + 60_000 + DAY - 1, DAY));
    assertFalse(StaleRules.servable(answer(60), T0 + 60_000 + DAY, DAY));
    assertFalse(StaleRules.servable(answer(60), T0 + 60_000, 0));
  }

  @Test
  void prefetchOnlyForPopularEntriesInTheLastTenPercent() {
    Answer a = answer(100);
    assertFalse(StaleRules.prefetchDue(a, T0 + 89_000, 10, 3), "91% left");
    assertTrue(StaleRules.prefetchDue(a, T0 + 91_000, 10, 3));
    assertFalse(StaleRules.prefetchDue(a, T0 + 91_000, 2, 3), "not popular");
    assertFalse(StaleRules.prefetchDue(a, T0 + 91_000, 10, 0), "prefetch off");
    assertFalse(StaleRules.prefetchDue(a, T0 + 100_000, 10, 3), "already expired");
  }
}
