package dnsplane.resolver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-client limit, driven by a clock the test moves. */
class RateLimiterTest {
  private final MutableClock clock = new MutableClock();

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  /**
   * Queries allowed out of {@code n} sent evenly over {@code seconds} (the clock moved between
   * them).
   */
  private int allowed(RateLimiter l, InetAddress client, int n, int seconds) {
    int ok = 0;
    long clockMillis = 0;
    for (int i = 1; i <= n; i++) {
      long due = (long) i * seconds * 1000 / n;
      if (due > clockMillis) {
        clock.advance(Duration.ofMillis(due - clockMillis));
        clockMillis = due;
      }
      ok += l.tryAcquire(client) ? 1 : 0;
    }
    return ok;
  }

  @Test
  void aFloodAtOneInstantGetsExactlyTheBurst() throws Exception {
    RateLimiter l = new RateLimiter(5000, clock);
    int ok = 0;
    for (int i = 0; i < 20_000; i++) {
      ok += l.tryAcquire(ip("192.0.2.1")) ? 1 : 0;
    }
    assertEquals(5000, ok);
  }

  @Test
  void aSteadyClientBelowTheRateIsNeverLimited() throws Exception {
    RateLimiter l = new RateLimiter(5000, clock);
    assertEquals(40_000, allowed(l, ip("192.0.2.1"), 40_000, 10), "4000 qps for 10 s");
  }

  @Test
  void aSteadyFloodIsCutToTheRate() throws Exception {
    RateLimiter l = new RateLimiter(5000, clock);
    int ok = allowed(l, ip("192.0.2.1"), 200_000, 10); // 20000 qps for 10 s
    // the burst, then the rate: 5000 + 10 s x 5000, give or take a millisecond's worth
    assertTrue(ok >= 55_000 - 10 && ok <= 55_000 + 10, "allowed " + ok);
  }

  @Test
  void clientsAreLimitedApartButAnIpv6Slash64IsOneClient() throws Exception {
    RateLimiter l = new RateLimiter(10, clock);
    for (int i = 0; i < 10; i++) {
      assertTrue(l.tryAcquire(ip("2001:db8:0:1::" + Integer.toHexString(i + 1))));
    }
    assertFalse(l.tryAcquire(ip("2001:db8:0:1:ffff::1")), "same /64: the same bucket, now empty");
    assertTrue(l.tryAcquire(ip("2001:db8:0:2::1")), "another /64");
    assertTrue(l.tryAcquire(ip("192.0.2.1")));
    assertTrue(l.tryAcquire(ip("192.0.2.2")), "IPv4 addresses are limited one by one");
  }

  @Test
  void theClientTableStaysBoundedUnderAFloodOfSources() throws Exception {
    RateLimiter l = new RateLimiter(10, clock, 1000);
    for (int i = 0; i < 50_000; i++) {
      l.tryAcquire(
          InetAddress.getByAddress(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}));
    }
    assertTrue(l.clients() <= 1000, "tracked " + l.clients());
  }

  @Test
  void zeroTurnsItOff() throws Exception {
    RateLimiter l = new RateLimiter(0, clock);
    for (int i = 0; i < 100_000; i++) {
      assertTrue(l.tryAcquire(ip("192.0.2.1")));
    }
  }
}
