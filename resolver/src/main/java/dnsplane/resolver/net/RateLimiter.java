package dnsplane.resolver.net;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * RateLimiter is a token bucket per client address: {@code perSecond} queries a second with a burst of the same
 * size. Buckets live in a bounded cache, so a flood of source addresses cannot exhaust memory. 0 turns it off.
 */
public final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long lastMillis;
  }

  private final int perSecond;
  private final Clock clock;
  private final Cache<InetAddress, Bucket> buckets;

  public RateLimiter(int perSecond, Clock clock) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  /** Whether {@code client} may have one more answer now. */
  public boolean tryAcquire(InetAddress client) {
    if (perSecond <= 0) {
      return true;
    }
    long now = clock.millis();
    Bucket b = buckets.get(client, k -> {
          Bucket nb = new Bucket();
          nb.tokens = perSecond;
          nb.lastMillis = now;
          return nb;
        });
    synchronized (b) {
      b.tokens = Math.min(perSecond, b.tokens + (now - b.lastMillis) * perSecond / 1000.0);
      b.lastMillis = Math.max(b.lastMillis, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
