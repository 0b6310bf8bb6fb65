package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  /** A clock tests move by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void logsOncePerInterval() {
    ManualClock clock = new ManualClock();
    RateLimitedLog log =
        new RateLimitedLog(LoggerFactory.getLogger("test"), clock, Duration.ofSeconds(10));
    RuntimeException e = new RuntimeException("boom (expected in this test)");
    assertTrue(log.error("first", e));
    assertFalse(log.error("second", e));
    clock.advance(Duration.ofSeconds(9));
    assertFalse(log.error("third", e));
    clock.advance(Duration.ofSeconds(1));
    assertTrue(log.error("fourth", e));
  }
}
