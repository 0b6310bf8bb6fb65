package dnsplane.db.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.postgresql.PGStatement;

/**
 * Checkpoints is the SQL of snapshot checkpoints (V12): the newest one's description, its bytes as
 * a stream, and the write of a new one. The bytes are opaque here (authdns's snapshot format); they
 * are stored in chunks so that neither side holds a whole snapshot in one array, and read in
 * PostgreSQL's binary format (hex text would double what crosses the socket and cost a decode).
 */
public final class Checkpoints {

  /** What a stored checkpoint holds, without its bytes. */
  public record Checkpoint(
      long id, long seq, String database, long rrsets, long bytes, Instant writtenAt) {}

  /**
   * Writes a snapshot's bytes to the stream it is given; returns the rrsets written. It may read
   * them from the database as it goes (on a connection of its own), hence the SQLException.
   */
  @FunctionalInterface
  public interface Body {
    long writeTo(OutputStream out) throws IOException, SQLException;
  }

  /** Bytes per stored chunk: small enough for a cheap row, large enough for few round trips. */
  static final int CHUNK = 4 << 20;

  // A lock key of its own (the ASCII of "DPCHKPT"): one writer at a time over all servers.
  private static final long WRITER_LOCK = 0x44_50_43_48_4b_50_54L;

  private Checkpoints() {}

  /**
   * The newest checkpoint (highest seq) of database {@code database} (a {@code databaseIdentity}: a
   * copy of this one restored elsewhere holds the old one's checkpoints), if any.
   */
  public static Optional<Checkpoint> newest(Connection c, String database) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, seq, database, rrsets, bytes, written_at FROM snapshot_checkpoint"
                + " WHERE database = ? ORDER BY seq DESC, id DESC LIMIT 1")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Checkpoint(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getTimestamp(6).toInstant()));
      }
    }
  }

  /**
   * Hands {@code reader} the bytes of checkpoint {@code id} as one stream, fetched a chunk at a
   * time inside one transaction (a checkpoint deleted meanwhile still reads whole). An id with no
   * chunks reads as an empty stream. Leaves {@code c} in auto-commit.
   */
  public static <T> T read(Connection c, long id, StreamReader<T> reader)
      throws SQLException, IOException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT data FROM snapshot_checkpoint_chunk WHERE checkpoint_id = ? ORDER BY n")) {
      // Server-prepared from the first execution, so the bytea comes in binary.
      ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
      ps.setFetchSize(1);
      ps.setLong(1, id);
      T result;
      try (ResultSet rs = ps.executeQuery()) {
        result = reader.read(new ChunkStream(rs));
      }
      c.commit();
      return result;
    } catch (SQLException | IOException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** Reads a checkpoint's stream; see {@link #read}. */
  @FunctionalInterface
  public interface StreamReader<T> {
    T read(InputStream in) throws IOException;
  }

  /**
   * Stores a checkpoint of database {@code database} at change {@code seq}, its bytes written by
   * {@code body}, and deletes all but the newest {@code keep} of that database (this one included),
   * in one transaction. Returns the stored checkpoint, or empty without writing when another writer
   * holds the write lock or a checkpoint of that database at {@code seq} or later exists. Leaves
   * {@code c} in auto-commit.
   */
  public static Optional<Checkpoint> write(
      Connection c, long seq, String database, String writtenBy, int keep, Body body)
      throws SQLException, IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least the checkpoint written");
    }
    c.setAutoCommit(false);
    try {
      if (!tryLock(c) || newest(c, database).filter(n -> n.seq() >= seq).isPresent()) {
        c.rollback();
        return Optional.empty();
      }
      long id;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO snapshot_checkpoint (seq, database, rrsets, bytes, written_by)"
                  + " VALUES (?, ?, 0, 0, ?) RETURNING id")) {
        ps.setLong(1, seq);
        ps.setString(2, database);
        ps.setString(3, writtenBy);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      long bytes;
      long rrsets;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO snapshot_checkpoint_chunk (checkpoint_id, n, data) VALUES (?, ?,"
                      + " ?)");
          ChunkSink sink = new ChunkSink(ps, id)) {
        rrsets = body.writeTo(sink);
        sink.flushChunk();
        bytes = sink.total;
      }
      Instant at;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE snapshot_checkpoint SET bytes = ?, rrsets = ? WHERE id = ?"
                  + " RETURNING written_at")) {
        ps.setLong(1, bytes);
        ps.setLong(2, rrsets);
        ps.setLong(3, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          at = rs.getTimestamp(1).toInstant();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM snapshot_checkpoint WHERE id NOT IN (SELECT id FROM snapshot_checkpoint"
                  + " WHERE database = ? ORDER BY seq DESC, id DESC LIMIT ?)")) {
        ps.setString(1, database);
        ps.setInt(2, keep);
        ps.executeUpdate();
      }
      c.commit();
      return Optional.of(new Checkpoint(id, seq, database, rrsets, bytes, at));
    } catch (SQLException | IOException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * True when {@code e} says checkpoints cannot be used on this connection at all: no such table (a
   * schema older than V12; serve never migrates), no right to them, or a read-only server (a hot
   * standby). Retrying soon will not help.
   */
  public static boolean unusableHere(SQLException e) {
    String state = e.getSQLState();
    return "42P01".equals(state) || "42501".equals(state) || "25006".equals(state);
  }

  private static boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
      ps.setLong(1, WRITER_LOCK);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the caller's exception says why.
    }
  }

  /** The chunks of one checkpoint, in order, as one stream. */
  private static final class ChunkStream extends InputStream {
    private final ResultSet rs;
    private InputStream chunk = InputStream.nullInputStream();
    private boolean done;

    ChunkStream(ResultSet rs) {
      this.rs = rs;
    }

    private boolean advance() throws IOException {
      try {
        if (done || !rs.next()) {
          done = true;
          return false;
        }
        chunk = rs.getBinaryStream(1);
        return true;
      } catch (SQLException e) {
        throw new IOException("reading a checkpoint chunk: " + e.getMessage(), e);
      }
    }

    @Override
    public int read() throws IOException {
      int b;
      while ((b = chunk.read()) < 0) {
        if (!advance()) {
          return -1;
        }
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n;
      while ((n = chunk.read(buf, off, len)) < 0) {
        if (!advance()) {
          return -1;
        }
      }
      return n;
    }
  }

  /** Cuts what is written into chunks of {@link #CHUNK} bytes, each inserted as it fills. */
  private static final class ChunkSink extends OutputStream {
    private final PreparedStatement insert;
    private final long id;
    private final byte[] buf = new byte[CHUNK];
    private int used;
    private int n;
    long total;

    ChunkSink(PreparedStatement insert, long id) {
      this.insert = insert;
      this.id = id;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buf.length) {
        flushChunk();
      }
      buf[used++] = (byte) b;
      total++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buf.length) {
          flushChunk();
        }
        int k = Math.min(len, buf.length - used);
        System.arraycopy(b, off, buf, used, k);
        used += k;
        off += k;
        len -= k;
        total += k;
      }
    }

    void flushChunk() throws IOException {
      if (used == 0) {
        return;
      }
      try {
        insert.setLong(1, id);
        insert.setInt(2, n++);
        insert.setBinaryStream(3, new java.io.ByteArrayInputStream(buf, 0, used), used);
        insert.executeUpdate();
      } catch (SQLException e) {
        throw new IOException("storing a checkpoint chunk: " + e.getMessage(), e);
      }
      used = 0;
    }

    @Override
    public void close() {}
  }
}
