package dnsplane.resolver.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CacheEntry is what the cache holds for one question: the answer to serve, the guard state while
 * an empty answer is suspect (the answer is then the last positive one), and when a failed refresh
 * may be retried (RFC 8767's failure recheck). Replaced as a whole on every change; only the hit
 * counter and prefetch flag mutate.
 */
public final class CacheEntry {
  private final Answer answer;
  private final GuardState guard;
  private final long staleRecheckAtMillis;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicBoolean prefetched = new AtomicBoolean();

  public CacheEntry(Answer answer, GuardState guard, long staleRecheckAtMillis) {
    this.answer = java.util.Objects.requireNonNull(answer, "answer");
    this.guard = guard;
    this.staleRecheckAtMillis = staleRecheckAtMillis;
  }

  public static CacheEntry of(Answer answer) {
    return new CacheEntry(answer, null, 0);
  }

  public Answer answer() {
    return answer;
  }

  /** Non-null while an empty answer for this question is suspect. */
  public GuardState guard() {
    return guard;
  }

  public long staleRecheckAtMillis() {
    return staleRecheckAtMillis;
  }

  public CacheEntry withGuard(GuardState g) {
    return new CacheEntry(answer, g, staleRecheckAtMillis);
  }

  public CacheEntry withStaleRecheckAt(long at) {
    return new CacheEntry(answer, guard, at);
  }

  /** Counts a hit and returns the new total. */
  public int hit() {
    return hits.incrementAndGet();
  }

  /** True the first time only: at most one prefetch per entry. */
  public boolean claimPrefetch() {
    return prefetched.compareAndSet(false, true);
  }

  public int size() {
    return answer.size() + 64;
  }
}
