package dnsplane.db.checkpoint;

import static dnsplane.db.testing.Sql.longValue;
import static dnsplane.db.testing.Sql.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshot checkpoints (V12) against a real PostgreSQL: what is written reads back byte for byte
 * across chunk boundaries, a write is all or nothing, one writer at a time writes, and only the
 * newest checkpoints of the database are kept.
 */
@RequiresPostgres
class CheckpointsTest {

  private static final String DB = "cluster:1";
  private TestDb db;

  @BeforeEach
  void database() throws Exception {
    db = TestPostgres.freshDatabase();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private Optional<Checkpoints.Checkpoint> write(long seq, String database, byte[] body)
      throws Exception {
    try (Connection c = DbBootstrap.connect(db.settings())) {
      return Checkpoints.write(
          c,
          seq,
          database,
          "test",
          2,
          out -> {
            out.write(body, 0, 3); // by pieces and byte by byte, as a buffered writer may
            out.write(body[3]);
            out.write(body, 4, body.length - 4);
            return 7;
          });
    }
  }

  private byte[] read(long id) throws Exception {
    try (Connection c = DbBootstrap.connect(db.settings())) {
      byte[] got = Checkpoints.read(c, id, java.io.InputStream::readAllBytes);
      assertTrue(c.getAutoCommit(), "left in auto-commit");
      return got;
    }
  }

  @Test
  void whatIsWrittenReadsBackAcrossChunks() throws Exception {
    byte[] body = random(2 * Checkpoints.CHUNK + 12345, 1);
    Checkpoints.Checkpoint w = write(42, DB, body).orElseThrow();
    assertEquals(42, w.seq());
    assertEquals(body.length, w.bytes());
    assertEquals(7, w.rrsets(), "the count the body returned");
    assertEquals(3, longValue(db, "SELECT count(*) FROM snapshot_checkpoint_chunk"));
    assertArrayEquals(body, read(w.id()));
    try (Connection c = DbBootstrap.connect(db.settings())) {
      assertEquals(Optional.of(w), Checkpoints.newest(c, DB));
      assertEquals(Optional.empty(), Checkpoints.newest(c, "another:2"), "of this database only");
    }
  }

  @Test
  void aBodyThatFailsStoresNothing() throws Exception {
    try (Connection c = DbBootstrap.connect(db.settings())) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  Checkpoints.write(
                      c,
                      5,
                      DB,
                      "test",
                      2,
                      out -> {
                        out.write(random(Checkpoints.CHUNK + 10, 2)); // a chunk stored already
                        throw new IOException("disk on fire");
                      }));
      assertEquals("disk on fire", e.getMessage());
      assertTrue(c.getAutoCommit());
    }
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint_chunk"));
  }

  @Test
  void nothingIsWrittenOverANewerCheckpointOrWhileAnotherWriterWrites() throws Exception {
    write(100, DB, random(10, 3)).orElseThrow();
    assertFalse(write(100, DB, random(10, 4)).isPresent(), "one at that position exists");
    assertFalse(write(90, DB, random(10, 4)).isPresent(), "a newer one exists");
    assertTrue(write(90, "another:2", random(10, 4)).isPresent(), "another database's are apart");

    try (Connection holder = DbBootstrap.connect(db.settings())) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        ps.setLong(1, 0x44_50_43_48_4b_50_54L);
        ps.execute();
      }
      assertFalse(write(200, DB, random(10, 5)).isPresent(), "another writer holds the lock");
      holder.rollback();
    }
    assertTrue(write(200, DB, random(10, 5)).isPresent());
  }

  @Test
  void onlyTheNewestOfTheDatabaseAreKept() throws Exception {
    write(5, "another:2", random(10, 6)).orElseThrow();
    long first = write(10, DB, random(10, 7)).orElseThrow().id();
    write(20, DB, random(10, 8)).orElseThrow();
    Checkpoints.Checkpoint third = write(30, DB, random(Checkpoints.CHUNK + 1, 9)).orElseThrow();
    assertEquals(
        2,
        longValue(db, "SELECT count(*) FROM snapshot_checkpoint"),
        "the two newest of this database; another database's are dropped");
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint WHERE seq <= 10"));
    assertEquals(
        3,
        longValue(db, "SELECT count(*) FROM snapshot_checkpoint_chunk"),
        "the chunks of those dropped go with them");
    assertEquals(0, read(first).length, "a dropped checkpoint reads as nothing");
    assertEquals(Checkpoints.CHUNK + 1, read(third.id()).length);
  }

  /** A snapshot-like body: owners that repeat their zone's suffix, as a real snapshot's do. */
  private static byte[] compressible(int n) {
    byte[] b = new byte[n];
    byte[] owner =
        "\003www\007example\003com\000\000\001\000\001".getBytes(StandardCharsets.ISO_8859_1);
    Random r = new Random(11);
    for (int i = 0; i < n; i++) {
      b[i] = i % 64 < owner.length ? owner[i % 64] : (byte) r.nextInt(4);
    }
    return b;
  }

  @Test
  void theSnapshotBytesAreStoredLz4CompressedWhereTheServerHasLz4() throws Exception {
    boolean lz4 =
        "true"
            .equals(
                text(
                    db,
                    "SELECT ('lz4' = ANY (enumvals))::text FROM pg_settings"
                        + " WHERE name = 'default_toast_compression'"));
    byte[] body = compressible(Checkpoints.CHUNK + 1000);
    long id = write(50, DB, body).orElseThrow().id();
    assertArrayEquals(body, read(id), "a compressed checkpoint reads back byte for byte");
    String compression =
        text(
            db,
            "SELECT coalesce(pg_column_compression(data), 'none') FROM snapshot_checkpoint_chunk"
                + " WHERE checkpoint_id = ? AND n = 0",
            id);
    long stored =
        longValue(
            db,
            "SELECT pg_column_size(data) FROM snapshot_checkpoint_chunk"
                + " WHERE checkpoint_id = ? AND n = 0",
            id);
    if (lz4) {
      assertEquals("lz4", compression, "V14: lz4 where the server was built with it");
      assertTrue(
          stored < Checkpoints.CHUNK * 3 / 4,
          "a full chunk of snapshot-like bytes is stored in " + stored + " bytes");
    } else {
      assertEquals("none", compression, "no lz4: V12's uncompressed storage stays");
      assertTrue(stored >= Checkpoints.CHUNK, "stored whole: " + stored + " bytes");
    }
  }
}
