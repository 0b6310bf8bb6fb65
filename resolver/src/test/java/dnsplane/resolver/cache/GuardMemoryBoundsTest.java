package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.wire.QuestionKey;
import org.junit.jupiter.api.Test;

class GuardMemoryBoundsTest {
  static final long T0 = 1_000_000L;
  static final long STALE_MAX = 86_400_000L;

  static Answer positive(long storedAt, int ttl) {
    return new Answer(new byte[0], new int[0], new int[0], Answer.Kind.POSITIVE, 0, storedAt, ttl);
  }

  @Test
  void forgetsTheLeastRecentlyUsedNameWhenFull() {
    GuardMemory m = new GuardMemory(2, STALE_MAX);
    m.remember(ResponseCacheTest.key(1), positive(T0, 60));
    m.remember(ResponseCacheTest.key(2), positive(T0, 60));
    assertNotNull(
        m.recall(ResponseCacheTest.key(1), T0), "an empty answer for 1 arrives: 1 is used");
    m.remember(ResponseCacheTest.key(3), positive(T0, 60));
    assertEquals(2, m.size());
    assertNull(m.recall(ResponseCacheTest.key(2), T0), "2 was used least recently");
    assertNotNull(m.recall(ResponseCacheTest.key(1), T0));
    assertNotNull(m.recall(ResponseCacheTest.key(3), T0));
  }

  @Test
  void zeroRemembersNothing() {
    GuardMemory m = new GuardMemory(0, STALE_MAX);
    m.remember(ResponseCacheTest.key(1), positive(T0, 60));
    assertEquals(0, m.size());
    assertNull(m.recall(ResponseCacheTest.key(1), T0));
  }

  @Test
  void answersPastStaleMaxAreOfNoUse() {
    GuardMemory m = new GuardMemory(10, STALE_MAX);
    m.remember(ResponseCacheTest.key(1), positive(T0, 60));
    assertNotNull(m.recall(ResponseCacheTest.key(1), T0 + 60_000 + STALE_MAX - 1));
    assertNull(m.recall(ResponseCacheTest.key(1), T0 + 60_000 + STALE_MAX));
    assertEquals(0, m.size(), "dropped when recalled too late");
  }

  @Test
  void aSuspicionIsKeptUntilAPositiveAnswer() {
    GuardMemory m = new GuardMemory(10, STALE_MAX);
    m.remember(ResponseCacheTest.key(1), positive(T0, 60));
    assertFalse(m.recall(ResponseCacheTest.key(1), T0).suspect());
    m.markSuspect(ResponseCacheTest.key(1), T0 + 5);
    m.markSuspect(ResponseCacheTest.key(1), T0 + 9);
    assertEquals(
        T0 + 5,
        m.recall(ResponseCacheTest.key(1), T0 + 10).suspectSinceMillis(),
        "the first one counts");
    m.remember(ResponseCacheTest.key(1), positive(T0 + 20, 60));
    assertFalse(m.recall(ResponseCacheTest.key(1), T0 + 20).suspect());
  }

  @Test
  void forgetNameForgetsEveryTypeOfThatName() {
    GuardMemory m = new GuardMemory(10, STALE_MAX);
    QuestionKey a = ResponseCacheTest.key(1);
    QuestionKey aaaa = QuestionKey.of(a.wireName(), 28, 1);
    m.remember(a, positive(T0, 60));
    m.remember(aaaa, positive(T0, 60));
    m.remember(ResponseCacheTest.key(2), positive(T0, 60));
    assertEquals(2, m.forgetName(a.wireName()));
    assertTrue(m.size() == 1 && m.recall(ResponseCacheTest.key(2), T0) != null);
  }
}
