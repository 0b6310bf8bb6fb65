package dnsplane.authdns.xfr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * RateLimitedWarn logs a warning at most once per interval and says how many it suppressed: a
 * client hammering us with unsigned or forged transfer requests must not flood the log. (The net
 * package's RateLimitedLog does the same at ERROR for internal errors.)
 */
final class RateLimitedWarn {
  private final Logger log;
  private final Clock clock;
  private final Duration interval;
  private final AtomicReference<Instant> next = new AtomicReference<>(Instant.MIN);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedWarn(Logger log, Clock clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.interval = interval;
  }

  /** Logs {@code format} with {@code args} unless one was logged within the interval. */
  boolean warn(String format, Object... args) {
    Instant now = clock.instant();
    Instant due = next.get();
    if (now.isBefore(due) || !next.compareAndSet(due, now.plus(interval))) {
      suppressed.incrementAndGet();
      return false;
    }
    long dropped = suppressed.getAndSet(0);
    if (log.isWarnEnabled()) {
      log.warn(
          org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage()
              + " ({} similar suppressed since the last report)",
          dropped);
    }
    return true;
  }
}
