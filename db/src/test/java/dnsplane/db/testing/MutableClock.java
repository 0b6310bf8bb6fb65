package dnsplane.db.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MutableClock only moves when a test moves it: to make data old or a TTL expire without waiting.
 */
public final class MutableClock extends Clock {

  /** An arbitrary fixed start (2027-01-15), so runs are reproducible. */
  public static final Instant DEFAULT_START = Instant.ofEpochMilli(1_800_000_000_000L);

  private final AtomicReference<Instant> now;

  public MutableClock() {
    this(DEFAULT_START);
  }

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  public void set(Instant t) {
    now.set(t);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
