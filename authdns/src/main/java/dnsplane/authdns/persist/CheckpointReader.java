package dnsplane.authdns.persist;

import dnsplane.authdns.sync.CheckpointChoice;
import dnsplane.authdns.sync.CheckpointSource;
import dnsplane.db.checkpoint.Checkpoints;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CheckpointReader gives a starting follower the newest snapshot checkpoint stored in PostgreSQL
 * ({@link Checkpoints}), read and checked whole as a restart checks its own copy ({@link
 * SnapshotFile#read}) before any of it is served. One that is not worth reading ({@link
 * CheckpointChoice}), does not check out, or is not what its row says is passed over with a line in
 * the log: the follower then loads every rrset row, as it would have without checkpoints.
 */
public final class CheckpointReader implements CheckpointSource {

  private static final Logger log = LoggerFactory.getLogger(CheckpointReader.class);

  @Override
  public Optional<Copy> read(Connection c, String database, long counter, long maxRrsets)
      throws SQLException {
    Optional<Checkpoints.Checkpoint> newest;
    try {
      newest = Checkpoints.newest(c, database);
    } catch (SQLException e) {
      if (!Checkpoints.unusableHere(e)) {
        throw e;
      }
      // A schema older than checkpoints (serve never migrates), or a role that may not read them.
      log.warn("loading every rrset row: cannot read checkpoints ({})", e.getMessage());
      return Optional.empty();
    }
    CheckpointChoice choice =
        CheckpointChoice.decide(
            newest.map(Checkpoints.Checkpoint::seq).orElse(-1L),
            newest.map(Checkpoints.Checkpoint::rrsets).orElse(0L),
            counter,
            maxRrsets);
    if (choice instanceof CheckpointChoice.FullLoad f) {
      log.info("loading every rrset row: {}", f.reason());
      return Optional.empty();
    }
    Checkpoints.Checkpoint cp = newest.orElseThrow();
    SnapshotFile.Contents contents;
    try {
      contents = Checkpoints.read(c, cp.id(), SnapshotFile::read);
    } catch (SQLException e) {
      if (!Checkpoints.unusableHere(e)) {
        throw e;
      }
      log.warn("loading every rrset row: cannot read checkpoint {} ({})", cp.id(), e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      // Corrupt, cut short or unreadable: nothing of it is served. A connection that broke while
      // reading breaks the full load that follows too, and the follower reconnects.
      log.error(
          "refusing checkpoint {} at change {}: {}; loading every rrset row",
          cp.id(),
          cp.seq(),
          e.getMessage());
      return Optional.empty();
    }
    SnapshotFile.Header h = contents.header();
    if (h.seq() != cp.seq() || !h.database().equals(database) || contents.rrsets() != cp.rrsets()) {
      log.error(
          "refusing checkpoint {}: it holds change {} of database {} ({} rrsets), its row says"
              + " change {} of {} ({} rrsets); loading every rrset row",
          cp.id(),
          h.seq(),
          h.database(),
          contents.rrsets(),
          cp.seq(),
          database,
          cp.rrsets());
      return Optional.empty();
    }
    return Optional.of(new Copy(contents.zones(), h.seq(), contents.rrsets(), cp.bytes()));
  }
}
