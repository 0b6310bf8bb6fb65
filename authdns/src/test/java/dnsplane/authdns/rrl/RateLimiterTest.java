package dnsplane.authdns.rrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.net.Cidr;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate-limit decision with a fake clock: nanoseconds passed in by the test. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  private static RateLimiter limiter(RrlConfig c) {
    return new RateLimiter(c, 42);
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  /** Responses out of {@code n} sent at one instant that are answered / dropped / slipped. */
  private static int[] burst(
      RateLimiter r, InetAddress a, ResponseClass c, int hash, long t, int n) {
    int[] out = new int[3];
    for (int i = 0; i < n; i++) {
      out[r.decide(a, c, hash, t).ordinal()]++;
    }
    return out;
  }

  @Test
  void burstOfRateThenLimitedThenRefills() throws Exception {
    RateLimiter r = limiter(RrlConfig.OFF.withRate(10).withSlip(0));
    InetAddress a = ip("192.0.2.1");
    assertEquals(10, burst(r, a, ResponseClass.NORMAL, 7, 0, 50)[Verdict.ANSWER.ordinal()]);
    assertEquals(Verdict.DROP, r.decide(a, ResponseClass.NORMAL, 7, SECOND / 20));
    // A tenth of a second buys one more response at 10/s.
    assertEquals(Verdict.ANSWER, r.decide(a, ResponseClass.NORMAL, 7, SECOND / 10));
    assertEquals(Verdict.DROP, r.decide(a, ResponseClass.NORMAL, 7, SECOND / 10));
    // A steady 10/s is never limited.
    long t = 5 * SECOND;
    for (int i = 0; i < 100; i++) {
      assertEquals(Verdict.ANSWER, r.decide(a, ResponseClass.NORMAL, 7, t + i * SECOND / 10));
    }
  }

  @Test
  void slipRatio() throws Exception {
    InetAddress a = ip("192.0.2.1");
    int[] always =
        burst(limiter(RrlConfig.OFF.withRate(5).withSlip(1)), a, ResponseClass.NORMAL, 1, 0, 25);
    assertEquals(List.of(5, 0, 20), List.of(always[0], always[1], always[2]));
    int[] never =
        burst(limiter(RrlConfig.OFF.withRate(5).withSlip(0)), a, ResponseClass.NORMAL, 1, 0, 25);
    assertEquals(List.of(5, 20, 0), List.of(never[0], never[1], never[2]));
    int[] third =
        burst(limiter(RrlConfig.OFF.withRate(5).withSlip(3)), a, ResponseClass.NORMAL, 1, 0, 35);
    assertEquals(List.of(5, 20, 10), List.of(third[0], third[1], third[2]));
  }

  @Test
  void prefixesClassesAndNamesHaveTheirOwnBuckets() throws Exception {
    RateLimiter r = limiter(RrlConfig.OFF.withRate(3).withSlip(0));
    burst(r, ip("192.0.2.1"), ResponseClass.NORMAL, 1, 0, 10);
    // Same /24: limited too.
    assertEquals(Verdict.DROP, r.decide(ip("192.0.2.200"), ResponseClass.NORMAL, 1, 0));
    // Another /24, another class, another name: each its own budget.
    assertEquals(Verdict.ANSWER, r.decide(ip("192.0.3.1"), ResponseClass.NORMAL, 1, 0));
    assertEquals(Verdict.ANSWER, r.decide(ip("192.0.2.1"), ResponseClass.NXDOMAIN, 1, 0));
    assertEquals(Verdict.ANSWER, r.decide(ip("192.0.2.1"), ResponseClass.NORMAL, 2, 0));
    // IPv6: one /56 shares a bucket, the next /56 does not.
    burst(r, ip("2001:db8:0:100::1"), ResponseClass.ERROR, 0, 0, 10);
    assertEquals(Verdict.DROP, r.decide(ip("2001:db8:0:1ff::9"), ResponseClass.ERROR, 0, 0));
    assertEquals(Verdict.ANSWER, r.decide(ip("2001:db8:0:200::1"), ResponseClass.ERROR, 0, 0));
  }

  @Test
  void configuredPrefixLengths() throws Exception {
    RateLimiter r = limiter(RrlConfig.OFF.withRate(1).withSlip(0).withPrefixLengths(32, 64));
    burst(r, ip("192.0.2.1"), ResponseClass.NORMAL, 1, 0, 5);
    assertEquals(Verdict.ANSWER, r.decide(ip("192.0.2.2"), ResponseClass.NORMAL, 1, 0));
    burst(r, ip("2001:db8::1"), ResponseClass.NORMAL, 1, 0, 5);
    assertEquals(Verdict.DROP, r.decide(ip("2001:db8::2"), ResponseClass.NORMAL, 1, 0));
    assertEquals(Verdict.ANSWER, r.decide(ip("2001:db8:0:1::1"), ResponseClass.NORMAL, 1, 0));
  }

  @Test
  void whitelistedNetworksAreNeverLimited() throws Exception {
    RateLimiter r =
        limiter(
            RrlConfig.OFF
                .withRate(2)
                .withSlip(0)
                .withWhitelist(Cidr.parseList("198.51.100.0/24, 2001:db8:1::/48")));
    assertEquals(100, burst(r, ip("198.51.100.9"), ResponseClass.NORMAL, 1, 0, 100)[0]);
    assertEquals(100, burst(r, ip("2001:db8:1:ff::1"), ResponseClass.NORMAL, 1, 0, 100)[0]);
    assertEquals(2, burst(r, ip("198.51.101.9"), ResponseClass.NORMAL, 1, 0, 100)[0]);
  }

  @Test
  void theTableDoesNotGrowAndALimitedBucketOutlivesJunk() throws Exception {
    RateLimiter r = limiter(RrlConfig.OFF.withRate(5).withSlip(0).withTableSize(1024));
    int buckets = r.buckets();
    assertEquals(1024, buckets);
    InetAddress victim = ip("203.0.113.7");
    burst(r, victim, ResponseClass.NORMAL, 9, 0, 100);
    // A spoofed-source flood: 200,000 distinct /24s, one response each.
    for (int i = 0; i < 200_000; i++) {
      r.decide(((long) i << 8) & 0xFFFFFFFFL, ResponseClass.NORMAL, 9, 1);
    }
    assertEquals(buckets, r.buckets());
    long[] census = r.census(2);
    assertTrue(census[0] <= buckets, "used buckets " + census[0]);
    // Of each slot pair the junk replaced the slot with the older TAT, never the limited one.
    assertEquals(Verdict.DROP, r.decide(victim, ResponseClass.NORMAL, 9, 3));
    assertTrue(census[1] >= 1, "the victim's bucket is counted as limiting");
  }

  @Test
  void inet4HashCodeIsTheAddress() throws Exception {
    // RateLimiter reads IPv4 addresses through hashCode() to avoid an allocation per packet.
    assertEquals(0xC0000201, ip("192.0.2.1").hashCode());
    assertEquals(0xFFFFFFFF, ip("255.255.255.255").hashCode());
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> limiter(RrlConfig.OFF));
    assertThrows(IllegalArgumentException.class, () -> RrlConfig.OFF.withSlip(-1));
    assertThrows(IllegalArgumentException.class, () -> RrlConfig.OFF.withPrefixLengths(24, 96));
  }
}
