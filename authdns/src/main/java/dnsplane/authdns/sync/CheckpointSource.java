package dnsplane.authdns.sync;

import dnsplane.authdns.zone.ZoneSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a follower with nothing served may get a copy of the database's state that is quicker to
 * read than every rrset row: a snapshot checkpoint stored in the database itself. The follower then
 * applies the change log after the copy's position, as after a restart.
 */
@FunctionalInterface
public interface CheckpointSource {

  /** A copy of the state at one change-log position, checked whole. */
  record Copy(ZoneSet zones, long seq, long rrsets, long bytes) {}

  /** No checkpoints: every start with nothing served loads in full. */
  CheckpointSource NONE = (c, database, counter, maxRrsets) -> Optional.empty();

  /**
   * A copy of database {@code database}'s state (the identity the follower is connected to) read on
   * {@code c}, to be brought up to date from the change log whose counter is at {@code counter};
   * empty when there is none worth reading ({@link CheckpointChoice}) or none that checks out (said
   * in the log). A copy never holds more than {@code maxRrsets} rrsets.
   */
  Optional<Copy> read(Connection c, String database, long counter, long maxRrsets)
      throws SQLException;
}
