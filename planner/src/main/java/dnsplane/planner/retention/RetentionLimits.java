package dnsplane.planner.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * RetentionLimits says how much of one table to keep. A row goes when it is older than {@code
 * maxAge} or beyond the newest {@code maxRows}, but the newest {@code minRows} always stay. A zero
 * {@code maxAge} or {@code maxRows} switches that rule off. PURE.
 *
 * <p>"Newest N rows" is measured in keys (change_log.seq, audit_log.id): the rows whose key is
 * within N of the newest key. change_log's seq is gap-free, so that is exactly N rows; audit_log's
 * id comes from a sequence that a rolled-back insert skips, so it can be fewer, never more.
 */
public record RetentionLimits(Duration maxAge, long maxRows, long minRows) {

  public RetentionLimits {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
    }
    if (maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, got " + maxRows);
    }
    // The newest row always stays: a follower that is up to date then still finds its seq.
    if (minRows < 1) {
      throw new IllegalArgumentException("minRows must be at least 1, got " + minRows);
    }
    if (maxRows != 0 && maxRows < minRows) {
      throw new IllegalArgumentException("maxRows " + maxRows + " is below minRows " + minRows);
    }
  }

  /** Keeps everything: neither rule is on. */
  public static RetentionLimits keepAll(long minRows) {
    return new RetentionLimits(Duration.ZERO, 0, minRows);
  }

  public boolean ageLimited() {
    return !maxAge.isZero();
  }

  public boolean countLimited() {
    return maxRows != 0;
  }

  /** Whether either rule can delete anything. */
  public boolean prunes() {
    return ageLimited() || countLimited();
  }
}
