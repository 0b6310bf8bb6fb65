package dnsplane.resolver.net;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RateLimiter allows each client {@code perSecond} queries a second with a burst of the same size;
 * 0 turns it off. A client is an IPv4 address, or an IPv6 /64: one host owns a whole /64 and could
 * otherwise rotate through its addresses to escape the limit (and churn the table).
 *
 * <p>Each client is one {@code AtomicLong} holding its theoretical arrival time (the generic cell
 * rate algorithm, equivalent to a token bucket): a query is allowed when that time is at most a
 * burst ahead of now, and moves it on by one emission interval. A compare-and-set, no lock and no
 * allocation for a known client: this runs on every cache hit. The clients live in a bounded cache
 * ({@link #MAX_CLIENTS}, idle ones expire), so a flood of source addresses cannot exhaust memory; a
 * client forgotten early only gets a fresh burst.
 */
public final class RateLimiter {
  /** Clients tracked at once; roughly 200 bytes each, so about 20 MB when full. */
  static final int MAX_CLIENTS = 100_000;

  private final Clock clock;

  /** Microseconds between two queries at the limit rate. */
  private final long intervalMicros;

  /** How far ahead of now a client's arrival time may run: the burst. */
  private final long toleranceMicros;

  private final Cache<Object, AtomicLong> clients;

  public RateLimiter(int perSecond, Clock clock) {
    this(perSecond, clock, MAX_CLIENTS);
  }

  RateLimiter(int perSecond, Clock clock, int maxClients) {
    this.clock = clock;
    this.intervalMicros = perSecond <= 0 ? 0 : Math.max(1, 1_000_000L / perSecond);
    this.toleranceMicros = (long) Math.max(0, perSecond - 1) * intervalMicros;
    this.clients =
        Caffeine.newBuilder()
            .maximumSize(maxClients)
            .expireAfterAccess(Duration.ofMinutes(1))
            .executor(
                Runnable::run) // evict on the caller's thread: no pool work per new client under a
            // flood
            .build();
  }

  /** Whether {@code client} may have one more answer now. */
  public boolean tryAcquire(InetAddress client) {
    if (intervalMicros == 0) {
      return true;
    }
    Object key = key(client);
    AtomicLong tat = clients.getIfPresent(key);
    if (tat == null) {
      tat = clients.get(key, k -> new AtomicLong(Long.MIN_VALUE));
    }
    long now = clock.millis() * 1000;
    while (true) {
      long cur = tat.get();
      long start = Math.max(cur, now);
      if (start - now > toleranceMicros) {
        return false;
      }
      if (tat.compareAndSet(cur, start + intervalMicros)) {
        return true;
      }
    }
  }

  /** Clients tracked now (approximate). */
  long clients() {
    clients.cleanUp();
    return clients.estimatedSize();
  }

  /**
   * The IPv4 address itself (no allocation: the address the packet came with), or the IPv6 /64 as a
   * Long.
   */
  static Object key(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      long prefix = 0;
      for (int i = 0; i < 8; i++) {
        prefix = (prefix << 8) | (b[i] & 0xff);
      }
      return prefix;
    }
    return a;
  }
}
