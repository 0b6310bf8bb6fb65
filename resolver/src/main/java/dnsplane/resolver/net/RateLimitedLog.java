package dnsplane.resolver.net;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * RateLimitedLog logs a per-packet problem at most once per interval and says how many it
 * suppressed, so a flood of bad packets that trips a bug cannot flood the log too (the idea of
 * authdns's net/RateLimitedLog; the resolver cannot depend on authdns). Lock-free: the one caller
 * that moves the deadline on logs, the others count.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Clock clock;
  private final long intervalMillis;
  private final AtomicLong nextMillis = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Clock clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /**
   * Logs at ERROR (with {@code t}'s stack trace) unless one was logged less than an interval ago;
   * true if logged.
   */
  boolean error(String message, Object arg, Throwable t) {
    if (!due()) {
      return false;
    }
    log.error(
        message + " ({} similar suppressed since the last report)",
        arg,
        suppressed.getAndSet(0),
        t);
    return true;
  }

  /**
   * Logs at WARN (no stack trace) unless one was logged less than an interval ago; true if logged.
   */
  boolean warn(String message, Object arg) {
    if (!due()) {
      return false;
    }
    log.warn(
        message + " ({} similar suppressed since the last report)", arg, suppressed.getAndSet(0));
    return true;
  }

  /**
   * Logs at DEBUG, rate-limited like the rest: a debug session under a flood must stay readable.
   */
  boolean debug(String message, Object arg1, Object arg2) {
    if (!log.isDebugEnabled() || !due()) {
      return false;
    }
    log.debug(message, arg1, arg2);
    return true;
  }

  private boolean due() {
    long now = clock.millis();
    long next = nextMillis.get();
    if (now < next || !nextMillis.compareAndSet(next, now + intervalMillis)) {
      suppressed.incrementAndGet();
      return false;
    }
    return true;
  }
}
