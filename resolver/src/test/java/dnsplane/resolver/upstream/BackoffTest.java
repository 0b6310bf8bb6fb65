package dnsplane.resolver.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void growsExponentiallyWithEqualJitterAndIsCapped() {
    assertEquals(500, Backoff.delayMillis(0, 1000, 60_000, 0.0));
    assertEquals(999, Backoff.delayMillis(0, 1000, 60_000, 0.999));
    assertEquals(2000, Backoff.delayMillis(2, 1000, 60_000, 0.0));
    assertEquals(30_000, Backoff.delayMillis(20, 1000, 60_000, 0.0));
    assertEquals(
        30_000, Backoff.delayMillis(63, 1000, 60_000, 0.0), "no overflow on huge attempts");
  }
}
