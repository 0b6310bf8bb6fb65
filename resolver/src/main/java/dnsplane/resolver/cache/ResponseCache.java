package dnsplane.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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
 */
public final class ResponseCache {
  private final Cache<QuestionKey, CacheEntry> cache;
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
                    (int) Math.min(Integer.MAX_VALUE, Math.max(slot, k.size() + e.size())))
            .ticker(() -> clock.millis() * 1_000_000L)
            .expireAfter(new StaleWindowExpiry(staleMaxMillis, clock))
            .executor(Runnable::run)
            .removalListener(
                (QuestionKey k,
                    CacheEntry e,
                    com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                  if (k != null && e != null) {
                    bytes.addAndGet(-(k.size() + e.size()));
                  }
                })
            .build();
  }

  /** The entry for {@code key}, or null. */
  public CacheEntry get(QuestionKey key) {
    return cache.getIfPresent(key);
  }

  /**
   * Whether an entry for {@code key} is held, without counting as a use (a get would raise its
   * frequency).
   */
  public boolean contains(QuestionKey key) {
    return cache.asMap().containsKey(key);
  }

  public void put(QuestionKey key, CacheEntry entry) {
    bytes.addAndGet(key.size() + entry.size());
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

  /** Approximate bytes held by the entries. */
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
