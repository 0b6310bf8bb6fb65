package dnsplane.planner.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * VelocityPolicy is the velocity limit's setting: within any {@code window}, health may remove at
 * most {@code max(1, floor(share × baseline))} addresses of one endpoint's address family, where
 * the baseline is what the family published, healthy, at the start of the window. PURE.
 */
public record VelocityPolicy(double share, Duration window) {

  public VelocityPolicy {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("velocity limit must be in (0, 1], got " + share);
    }
    Objects.requireNonNull(window, "window");
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("velocity window must be positive, got " + window);
    }
  }

  /** A share of 1 lets health remove everything at once. */
  public boolean unlimited() {
    return share >= 1;
  }

  /**
   * How many removals a window allows. Floor, so 50% of 3 is 1; at least one, so that an endpoint
   * can always move off a dead address (progress), one window at a time.
   */
  public int allowedRemovals(int baseline) {
    return Math.max(1, (int) Math.floor(share * baseline));
  }
}
