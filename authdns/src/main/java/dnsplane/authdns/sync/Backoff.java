package dnsplane.authdns.sync;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Backoff is the wait before the next reconnect attempt: exponential from {@code initial} up to
 * {@code max}, with "equal jitter" (half fixed, half random) so that many authdns replicas losing
 * the same database do not reconnect in lockstep.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int attempts;

  /** {@code random} returns values in [0, 1); tests pass a fixed one. */
  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait before the next attempt; each call doubles the ceiling until {@code max}. */
  public Duration next() {
    long ceiling = initial.toMillis() << Math.min(attempts, 20);
    ceiling = Math.min(ceiling, max.toMillis());
    attempts++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  /** Back to the initial wait (after a successful connection). */
  public void reset() {
    attempts = 0;
  }
}
