package dnsplane.authdns.sync;

import java.time.Duration;

/**
 * A {@link ChangeLogFollower}'s tunables: the backstop poll, the rows per read, the reconnect
 * backoff, the poll on a hot standby (where LISTEN is refused, so polling is the only way to learn
 * of a change), and the most rows read and swapped in at once when far behind ({@link
 * CatchUp#pageSize}).
 */
public record FollowerOptions(
    Duration backstop,
    int batch,
    Duration backoffInitial,
    Duration backoffMax,
    Duration standbyPoll,
    int maxBatch) {
  /** The default standby poll: a read of one row, ten times a second. */
  public static final Duration STANDBY_POLL = Duration.ofMillis(100);

  public FollowerOptions {
    if (batch < 1 || maxBatch < batch) {
      throw new IllegalArgumentException(
          "need 1 <= batch <= maxBatch, got batch " + batch + ", maxBatch " + maxBatch);
    }
  }

  /** Pages of {@code batch} rows however far behind. */
  public FollowerOptions(
      Duration backstop, int batch, Duration backoffInitial, Duration backoffMax) {
    this(backstop, batch, backoffInitial, backoffMax, STANDBY_POLL, batch);
  }

  public static FollowerOptions defaults() {
    return new FollowerOptions(
        Duration.ofSeconds(1),
        5_000,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        STANDBY_POLL,
        50_000);
  }

  public FollowerOptions withStandbyPoll(Duration poll) {
    return new FollowerOptions(backstop, batch, backoffInitial, backoffMax, poll, maxBatch);
  }
}
