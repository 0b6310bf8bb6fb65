package dnsplane.authdns.net;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * RateLimitedLog logs an error at most once per interval and says how many it suppressed, so a
 * flood of bad packets that trips a bug cannot flood the log too.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Clock clock;
  private final Duration interval;
  private final AtomicReference<java.time.Instant> next =
      new AtomicReference<>(java.time.Instant.MIN);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Clock clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.interval = interval;
  }

  /** Logs {@code message} unless one was logged less than an interval ago; true when logged. */
  boolean error(String message, Throwable t) {
    java.time.Instant now = clock.instant();
    java.time.Instant due = next.get();
    if (now.isBefore(due) || !next.compareAndSet(due, now.plus(interval))) {
      suppressed.incrementAndGet();
      return false;
    }
    long dropped = suppressed.getAndSet(0);
    log.error("{} ({} similar errors suppressed since the last report)", message, dropped, t);
    return true;
  }
}
