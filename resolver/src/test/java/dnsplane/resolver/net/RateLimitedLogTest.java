package dnsplane.resolver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.db.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  private final Logger logger =
      (Logger) LoggerFactory.getLogger("dnsplane.resolver.net.RateLimitedLogTest");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void attach() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  @Test
  void aFloodOfErrorsLogsOncePerIntervalAndCountsTheRest() {
    RateLimitedLog log = new RateLimitedLog(logger, clock, Duration.ofSeconds(10));
    RuntimeException boom = new IllegalStateException("boom");
    for (int i = 0; i < 1000; i++) {
      log.error("query from {} failed", "192.0.2.1", boom);
    }
    assertEquals(1, lines.list.size());
    assertNotNull(lines.list.get(0).getThrowableProxy(), "the first one keeps its stack trace");

    clock.advance(Duration.ofSeconds(9));
    log.error("query from {} failed", "192.0.2.1", boom);
    assertEquals(1, lines.list.size(), "still within the interval");

    clock.advance(Duration.ofSeconds(1));
    assertTrue(log.error("query from {} failed", "192.0.2.1", boom));
    assertEquals(2, lines.list.size());
    assertEquals(
        "query from 192.0.2.1 failed (1000 similar suppressed since the last report)",
        lines.list.get(1).getFormattedMessage());
  }

  @Test
  void warningsShareTheBudget() {
    RateLimitedLog log = new RateLimitedLog(logger, clock, Duration.ofSeconds(10));
    for (int i = 0; i < 100; i++) {
      log.warn("UDP: {}", "x");
      log.error("y {}", "z", null);
    }
    assertEquals(1, lines.list.size());
  }
}
