package dnsplane.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import dnsplane.resolver.wire.QuestionKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ResponseCache is the bounded question → {@link CacheEntry} map, built on Caffeine (W-TinyLFU
 * eviction).
 *
 * <p>Caffeine cannot bound entries and weight at once, so every entry weighs at least maxBytes /
 * maxEntries: the sum of weights then bounds both the bytes (weight ≥ size) and the number of
 * entries. Entries expire (through the injected clock) once they are past their TTL plus stale-max,
 * when not even serve-stale can use them.
 *
 * <p>Fresh hits are recorded for eviction by sampling: the hit path looks up quietly ({@link
 * #peek}) and {@link #hit} passes an entry's first hit and every {@link #RECORD_EVERY}th after it
 * to Caffeine's frequency sketch and LRU order. Caffeine's per-read bookkeeping (read buffer,
 * expiry callback, drains) was the largest share of the hit path; a hot entry still counts as hot,
 * and a one-hit entry as one hit, so W-TinyLFU keeps the popular set, with coarser frequencies. The
 * sample rides on the entry's hit counter, which the hit path updates anyway: a counter of its own
 * would dirty one more cache line per hit (measured slower than recording every read).
 */
public final class ResponseCache {
  /**
   * Heap an entry takes beyond its key and answer: Caffeine's node (the key, value, weight, access
   * and write times, the eviction and timer-wheel links), the map's node and table slot, and the
   * frequency sketch's share. Measured (ResponseCacheFootprintTest): 200,000 entries took 144 bytes
   * each more than their keys and answers count.
   */
  static final int BOOKKEEPING_BYTES = 144;

  /** A power of two: one fresh hit in this many (per entry) is recorded as a use. */
  static final int RECORD_EVERY = 16;

  private final Cache<QuestionKey, CacheEntry> cache;
  private final Policy<QuestionKey, CacheEntry> policy;
  private final AtomicLong bytes = new AtomicLong();

  public ResponseCache(long maxEntries, long maxBytes, long staleMaxMillis, Clock clock) {
    if (maxEntries <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("cache-max-entries and cache-max-bytes must be positive");
    }
    Objects.requireNonNull(clock, "clock");
    long slot = Math.max(1, maxBytes / maxEntries);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher(
                (QuestionKey k, CacheEntry e) ->
                    (int) Math.min(Integer.MAX_VALUE, Math.max(slot, footprint(k, e))))
            .ticker(() -> clock.millis() * 1_000_000L)
            .expireAfter(new StaleWindowExpiry(staleMaxMillis, clock))
            .executor(Runnable::run)
            .removalListener(
                (QuestionKey k,
                    CacheEntry e,
                    com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                  if (k != null && e != null) {
                    bytes.addAndGet(-footprint(k, e));
                  }
                })
            .build();
    this.policy = cache.policy();
  }

  /** The entry for {@code key}, or null; counts as a use (for eviction). */
  public CacheEntry get(QuestionKey key) {
    return cache.getIfPresent(key);
  }

  /**
   * Like {@link #get}, without counting as a use: the hit path, which reports its hits through
   * {@link #hit}.
   */
  public CacheEntry peek(QuestionKey key) {
    return policy.getIfPresentQuietly(key);
  }

  /**
   * Counts a hit on {@code e}, the entry {@link #peek} returned for {@code key}, and returns its
   * hits so far; the first and every {@link #RECORD_EVERY}th count as a use (a second lookup).
   */
  public int hit(QuestionKey key, CacheEntry e) {
    int hits = e.hit();
    if ((hits & (RECORD_EVERY - 1)) == 1) {
      cache.getIfPresent(key);
    }
    return hits;
  }

  /**
   * Whether an entry for {@code key} is held, without counting as a use (a get would raise its
   * frequency).
   */
  public boolean contains(QuestionKey key) {
    return cache.asMap().containsKey(key);
  }

  public void put(QuestionKey key, CacheEntry entry) {
    bytes.addAndGet(footprint(key, entry));
    cache.put(key, entry);
  }

  public void invalidate(QuestionKey key) {
    cache.invalidate(key);
  }

  /** Removes every entry whose owner name equals {@code lowerWireName}; returns how many. */
  public int flushName(byte[] lowerWireName) {
    int[] n = {0};
    cache
        .asMap()
        .keySet()
        .removeIf(
            k -> {
              boolean match = Arrays.equals(k.wireName(), lowerWireName);
              if (match) {
                n[0]++;
              }
              return match;
            });
    return n[0];
  }

  /** Removes everything; returns how many entries there were. */
  public long flushAll() {
    long n = cache.estimatedSize();
    cache.invalidateAll();
    return n;
  }

  public long entries() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The heap an entry takes, approximately: its key, its answer and the cache's bookkeeping. */
  static long footprint(QuestionKey key, CacheEntry entry) {
    return (long) key.size() + entry.size() + BOOKKEEPING_BYTES;
  }

  /** Approximate bytes held by the entries, bookkeeping included. */
  public long bytes() {
    return Math.max(0, bytes.get());
  }

  /** Keeps an entry while it can still be served, fresh or stale. */
  private static final class StaleWindowExpiry implements Expiry<QuestionKey, CacheEntry> {
    private final long staleMaxMillis;
    private final Clock clock;

    StaleWindowExpiry(long staleMaxMillis, Clock clock) {
      this.staleMaxMillis = staleMaxMillis;
      this.clock = clock;
    }

    private long left(CacheEntry e) {
      long ms = e.answer().expiresAtMillis() + staleMaxMillis - clock.millis();
      return Math.max(0, ms) * 1_000_000L;
    }

    @Override
    public long expireAfterCreate(QuestionKey k, CacheEntry e, long now) {
      return left(e);
    }

    @Override
    public long expireAfterUpdate(QuestionKey k, CacheEntry e, long now, long current) {
      return left(e);
    }

    @Override
    public long expireAfterRead(QuestionKey k, CacheEntry e, long now, long current) {
      return current;
    }
  }
}
