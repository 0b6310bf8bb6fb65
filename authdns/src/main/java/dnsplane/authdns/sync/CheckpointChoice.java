package dnsplane.authdns.sync;

/**
 * CheckpointChoice decides whether a start with nothing served reads the newest snapshot checkpoint
 * and the change log after it, or every rrset row (a full load). Pure: the rules are tested without
 * a database.
 */
public sealed interface CheckpointChoice {

  /** Read the checkpoint at {@code seq}, then apply the {@code behind} changes after it. */
  record Use(long seq, long behind) implements CheckpointChoice {}

  /** Load in full; {@code reason} says why the checkpoint is not used. */
  record FullLoad(String reason) implements CheckpointChoice {}

  /**
   * Below this many changes behind, a checkpoint is used whatever its size: reading them is a few
   * milliseconds.
   */
  long SMALL_LAG = 10_000;

  /**
   * The choice for the newest checkpoint of this database, at change {@code seq} and holding {@code
   * rrsets} ({@code seq} is -1 when there is none), when the change-log counter is at {@code
   * counter} and a full load may read at most {@code maxRrsets}.
   *
   * <p>Applying a change costs about what loading an rrset row does (a change-log row is an rrset
   * row with a sequence number), so a checkpoint further behind than half its size is no quicker
   * than a full load: the writers keep them well within that (see the checkpoint writer's policy).
   */
  static CheckpointChoice decide(long seq, long rrsets, long counter, long maxRrsets) {
    if (seq < 0) {
      return new FullLoad("no checkpoint of this database");
    }
    if (seq > counter) {
      return new FullLoad(
          "the checkpoint at change "
              + seq
              + " is ahead of the change-log counter "
              + counter
              + " (database restored?)");
    }
    if (rrsets > maxRrsets) {
      return new FullLoad(
          "the checkpoint holds "
              + rrsets
              + " rrsets, more than this heap loads ("
              + maxRrsets
              + ")");
    }
    long behind = counter - seq;
    if (behind > Math.max(SMALL_LAG, rrsets / 2)) {
      return new FullLoad(
          "the checkpoint at change "
              + seq
              + " is "
              + behind
              + " changes behind, more than half its "
              + rrsets
              + " rrsets");
    }
    return new Use(seq, behind);
  }
}
