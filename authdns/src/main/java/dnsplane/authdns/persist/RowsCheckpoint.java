package dnsplane.authdns.persist;

import dnsplane.authdns.sync.ChangeConverter;
import dnsplane.db.changelog.ChangeLogReader;
import dnsplane.db.changelog.FullLoadRows;
import dnsplane.db.changelog.ZoneByZoneRows;
import dnsplane.db.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * RowsCheckpoint writes a snapshot checkpoint straight from the database's rows, without a server
 * and without holding the snapshot: each rrset row is converted as a full load converts it ({@link
 * ChangeConverter#parse}) and written to the checkpoint's stream as it is read, zone after zone
 * ({@link ZoneByZoneRows}), so the memory it takes does not grow with the zone. What {@code zone
 * import} runs after a bulk import: the first server of a new database then starts from the
 * checkpoint instead of parsing every row, as later servers start from the checkpoints servers
 * write ({@link CheckpointWriter}).
 *
 * <p>The rows come in the database's order; each zone's rrsets are put in its trie's order ({@link
 * TrieOrder}, on disk past 16 MB) before they are written, as a server writes its own copies, so a
 * server reading the checkpoint puts them straight into its trie instead of sorting them. A row a
 * full load could not serve whole (an rdata that does not parse, a name outside its zone) ends the
 * write with nothing stored: a server starting from it would serve without raising the rejection a
 * full load raises, so such a database is loaded row by row.
 */
public final class RowsCheckpoint {

  /** What the attempt came to. */
  public sealed interface Outcome {
    /** One line for the operator. */
    String describe();
  }

  /** A checkpoint was stored. */
  public record Written(Checkpoints.Checkpoint checkpoint, long millis) implements Outcome {
    @Override
    public String describe() {
      return String.format(
          "wrote snapshot checkpoint %d at change %d (%d rrsets, %d bytes) in %d ms: servers that"
              + " start with nothing of their own read it instead of every rrset row",
          checkpoint.id(), checkpoint.seq(), checkpoint.rrsets(), checkpoint.bytes(), millis);
    }
  }

  /** None was due (a recent enough one is there, or the database has no zone), and why. */
  public record NotWritten(String reason) implements Outcome {
    @Override
    public String describe() {
      return "no snapshot checkpoint written: " + reason;
    }
  }

  /** One was due and none could be stored (a row that does not convert, a role that may not). */
  public record Refused(String reason) implements Outcome {
    @Override
    public String describe() {
      return "no snapshot checkpoint written: " + reason;
    }
  }

  /** A row a full load would not serve whole: the checkpoint is abandoned. */
  private static final class Unconvertible extends IOException {
    Unconvertible(String message) {
      super(message);
    }
  }

  /**
   * Rrsets held in memory while a zone is put in trie order; a bigger zone is sorted in runs of
   * this size on disk ({@link TrieOrder}).
   */
  private static final int RUN_BYTES = 16 << 20;

  /**
   * The run size for a heap of {@code maxHeap} bytes: {@link #RUN_BYTES}, or a sixteenth of the
   * heap when that is less. A run is one array, grown by doubling, so at its last growth it takes
   * one and a half times its size in contiguous memory beside everything else live: with G1, whose
   * arrays of half a region or more each need regions of their own in a row, a 16 MB run in a 64 MB
   * heap (beside the import's leftovers and the rows being read) failed one import in four for want
   * of 24 MB in a row, with 34 MB live.
   */
  static int runBytes(long maxHeap) {
    return (int) Math.max(1 << 20, Math.min(RUN_BYTES, maxHeap / 16));
  }

  /** One rrset's stored form, encoded into a buffer used again for the next. */
  private static final class Scratch extends java.io.ByteArrayOutputStream {
    final java.io.DataOutputStream data = new java.io.DataOutputStream(this);

    Scratch() {
      super(512);
    }

    byte[] bytes() {
      return buf;
    }
  }

  private RowsCheckpoint() {}

  /**
   * Writes a checkpoint of the database {@code read} is connected to, reading its rows on {@code
   * read} and storing on {@code write} (another connection to the same database), when {@code
   * policy} finds one due over the newest stored checkpoint. {@code writtenBy} names the writer in
   * the checkpoint's row.
   */
  public static Outcome write(
      Connection read, Connection write, String writtenBy, CheckpointWriter.Policy policy)
      throws SQLException, IOException {
    return write(
        read,
        write,
        writtenBy,
        policy,
        runBytes(Runtime.getRuntime().maxMemory()),
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As above, sorting in runs of {@code runBytes} in directory {@code tmp}. */
  static Outcome write(
      Connection read,
      Connection write,
      String writtenBy,
      CheckpointWriter.Policy policy,
      int runBytes,
      Path tmp)
      throws SQLException, IOException {
    long start = System.nanoTime();
    String database = ChangeLogReader.databaseIdentity(read);
    try (ZoneByZoneRows rows = ZoneByZoneRows.open(read)) {
      List<ZoneByZoneRows.Zone> zones = rows.zones();
      Optional<Checkpoints.Checkpoint> newest;
      try {
        newest = Checkpoints.newest(write, database);
      } catch (SQLException e) {
        if (Checkpoints.unusableHere(e)) {
          return new Refused("cannot read checkpoints here (" + e.getMessage() + ")");
        }
        throw e;
      }
      long newestSeq = newest.map(Checkpoints.Checkpoint::seq).orElse(-1L);
      long newestRrsets = newest.map(Checkpoints.Checkpoint::rrsets).orElse(-1L);
      if (!policy.due(rows.lastSeq(), zones.size(), newestSeq, newestRrsets)) {
        return new NotWritten(
            zones.isEmpty()
                ? "the database has no zone"
                : "checkpoint "
                    + newest.map(Checkpoints.Checkpoint::id).orElse(-1L)
                    + " at change "
                    + newestSeq
                    + " is recent enough for change "
                    + rows.lastSeq());
      }
      SnapshotFile.Header header = new SnapshotFile.Header(rows.lastSeq(), Instant.now(), database);
      Optional<Checkpoints.Checkpoint> written;
      try {
        written =
            Checkpoints.write(
                write,
                rows.lastSeq(),
                database,
                writtenBy,
                policy.keep(),
                out -> {
                  SnapshotFile.Writer w = new SnapshotFile.Writer(header, zones.size(), out);
                  try (TrieOrder order = new TrieOrder(runBytes, tmp)) {
                    for (ZoneByZoneRows.Zone z : zones) {
                      writeZone(rows, z, order, w);
                    }
                  }
                  return w.finish();
                });
      } catch (Unconvertible e) {
        return new Refused(e.getMessage() + "; servers will load every rrset row");
      } catch (SQLException e) {
        if (Checkpoints.unusableHere(e)) {
          return new Refused(
              "this role may not write checkpoints ("
                  + e.getMessage()
                  + "): grant it"
                  + " dnsplane_checkpoint_writer");
        }
        throw e;
      }
      if (written.isEmpty()) {
        return new NotWritten("another writer holds the checkpoint lock or wrote one as recent");
      }
      return new Written(written.get(), (System.nanoTime() - start) / 1_000_000);
    }
  }

  private static void writeZone(
      ZoneByZoneRows rows, ZoneByZoneRows.Zone z, TrieOrder order, SnapshotFile.Writer w)
      throws SQLException, IOException {
    FullLoadRows.ZoneRow zone = z.row();
    Name origin;
    try {
      origin = Name.fromString(zone.name(), Name.root);
    } catch (TextParseException e) {
      throw new Unconvertible("zone " + zone.name() + " is not a name: " + e.getMessage());
    }
    w.zone(origin, zone.serial(), z.rrsets());
    Scratch scratch = new Scratch();
    rows.<IOException>rrsets(
        zone.id(),
        r -> {
          ChangeConverter.ParsedRrset p;
          try {
            p =
                ChangeConverter.parse(
                    origin, r.name(), r.type(), r.ttl(), r.rdata(), zone.serial());
          } catch (IllegalArgumentException e) {
            throw new Unconvertible("rrset " + r.name() + " " + r.type() + ": " + e.getMessage());
          }
          if (!p.complete()) {
            throw new Unconvertible(p.problem());
          }
          Name name = p.rrset().name();
          if (!name.subdomain(origin)) {
            throw new Unconvertible(name + " is not in zone " + origin);
          }
          scratch.reset();
          SnapshotFile.encodeRrset(name, p.rrset().type(), p.rrset().records(), scratch.data);
          order.add(scratch.bytes(), scratch.size());
        });
    order.drainTo(w::encoded);
  }
}
