package dnsplane.resolver.cache;

import dnsplane.resolver.wire.QuestionKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GuardMemory is the empty-answer guard's own record of the last positive answer of each guarded
 * question, kept apart from the {@link ResponseCache} so that neither a flush nor an eviction from
 * the cache disarms the guard: the cache may forget an answer, the guard must still know the name
 * had one within stale-max.
 *
 * <p>Bounded by entry count; when full, the name used least recently (remembered, or recalled
 * because an empty answer arrived) is forgotten first. Entries older than their answer's TTL plus
 * stale-max are of no use to the guard and are dropped when recalled. It is touched only when a
 * positive answer for a guarded name is stored and when an empty answer for one arrives, never on a
 * cache hit.
 */
public final class GuardMemory {
  /**
   * What the guard remembers about one question.
   *
   * @param lastPositive the last positive answer stored for it
   * @param suspectSinceMillis when an empty answer was first held back since then, or -1; kept here
   *     too so that losing the cache entry does not restart guard-confirm
   */
  public record Remembered(Answer lastPositive, long suspectSinceMillis) {
    public boolean suspect() {
      return suspectSinceMillis >= 0;
    }
  }

  private final int maxEntries;
  private final long staleMaxMillis;
  private final Map<QuestionKey, Remembered> entries;

  /**
   * {@code maxEntries} 0 remembers nothing: the guard then only sees what the cache still holds.
   */
  public GuardMemory(int maxEntries, long staleMaxMillis) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("guard-memory must not be negative");
    }
    this.maxEntries = maxEntries;
    this.staleMaxMillis = staleMaxMillis;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) { // access order: least recently used first
          @Override
          protected boolean removeEldestEntry(Map.Entry<QuestionKey, Remembered> eldest) {
            return size() > GuardMemory.this.maxEntries;
          }
        };
  }

  /**
   * Records a positive answer for a guarded question; it replaces what was there and ends any
   * suspicion.
   */
  public synchronized void remember(QuestionKey key, Answer positive) {
    entries.put(key, new Remembered(positive, -1));
  }

  /** What is remembered for {@code key} that the guard may still serve at {@code now}, or null. */
  public synchronized Remembered recall(QuestionKey key, long now) {
    Remembered r = entries.get(key);
    if (r != null && !StaleRules.servable(r.lastPositive(), now, staleMaxMillis)) {
      entries.remove(key);
      return null;
    }
    return r;
  }

  /**
   * Records when an empty answer for {@code key} was first held back, unless a suspicion is already
   * recorded.
   */
  public synchronized void markSuspect(QuestionKey key, long sinceMillis) {
    Remembered r = entries.get(key);
    if (r != null && !r.suspect()) {
      entries.put(key, new Remembered(r.lastPositive(), sinceMillis));
    }
  }

  /** Forgets {@code key}: its empty answer is believed from now on. */
  public synchronized void forget(QuestionKey key) {
    entries.remove(key);
  }

  /** Forgets every question (all types) whose owner is {@code lowerWireName}; returns how many. */
  public synchronized int forgetName(byte[] lowerWireName) {
    int before = entries.size();
    entries.keySet().removeIf(k -> Arrays.equals(k.wireName(), lowerWireName));
    return before - entries.size();
  }

  public synchronized int size() {
    return entries.size();
  }
}
