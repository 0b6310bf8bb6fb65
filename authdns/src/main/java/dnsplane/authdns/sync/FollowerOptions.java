package dnsplane.authdns.sync;

import java.time.Duration;

/**
 * A {@link ChangeLogFollower}'s tunables: the backstop poll, the most rows read and swapped in at
 * once, the reconnect backoff, and the poll on a hot standby (where LISTEN is refused, so polling
 * is the only way to learn of a change).
 *
 * <p>A page is every committed row the follower has not applied, up to {@code pageRows}: close to
 * current that is whatever has arrived (commit-to-served stays one small read and apply); far
 * behind, a large page folds repeated changes to the same rrsets and pays the per-swap costs (the
 * IXFR journal's diff, the answer cache's invalidation, the swap listeners) less often, which is
 * what a restart behind a long change log needs. The rows in between are never served, but a
 * follower that far behind serves old data anyway until it catches up.
 */
public record FollowerOptions(
    Duration backstop,
    int pageRows,
    Duration backoffInitial,
    Duration backoffMax,
    Duration standbyPoll) {
  /** The default standby poll: a read of one row, ten times a second. */
  public static final Duration STANDBY_POLL = Duration.ofMillis(100);

  public FollowerOptions {
    if (pageRows < 1) {
      throw new IllegalArgumentException("need pageRows >= 1, got " + pageRows);
    }
  }

  /** With the default standby poll. */
  public FollowerOptions(
      Duration backstop, int pageRows, Duration backoffInitial, Duration backoffMax) {
    this(backstop, pageRows, backoffInitial, backoffMax, STANDBY_POLL);
  }

  public static FollowerOptions defaults() {
    return new FollowerOptions(
        Duration.ofSeconds(1), 50_000, Duration.ofMillis(100), Duration.ofSeconds(10));
  }

  public FollowerOptions withStandbyPoll(Duration poll) {
    return new FollowerOptions(backstop, pageRows, backoffInitial, backoffMax, poll);
  }
}
