package dnsplane.db.changelog;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a change-log follower reads: rows after a sequence number, and the state at one instant. */
@RequiresPostgres
class ChangeLogReaderTest {

  private static final String INSERT_A =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'A', ?, ?::text[])";
  private static final String INSERT_TXT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'TXT', ?, ?::text[])";
  private static final String WWW1 = "192.0.2.1";
  private static final String WWW2 = "192.0.2.2";

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void zoneWithThreeChanges() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId =
          longValue(c, "INSERT INTO zone (name, serial) VALUES ('aws.test.', 100) RETURNING id");
      exec(c, INSERT_A, zoneId, "www.aws.test.", 60, "{192.0.2.1,192.0.2.2}");
      exec(c, INSERT_A, zoneId, "empty.aws.test.", 30, "{}");
      exec(c, "DELETE FROM rrset WHERE name = 'www.aws.test.'");
    }
  }

  @Test
  void aPageHoldsTheCounterAndTheRowsAfterASequenceNumberInOrderUpToTheLimit() throws SQLException {
    try (Connection c = db.connect()) {
      assertEquals(4, ChangeLogReader.counter(c));

      ChangeLogReader.Page page = ChangeLogReader.page(c, 1, 2);

      assertEquals(4, page.counter());
      assertEquals(
          List.of(
              new ChangeLogRow(
                  2, "aws.test.", "set", "www.aws.test.", "A", 60, List.of(WWW1, WWW2), 101),
              new ChangeLogRow(3, "aws.test.", "set", "empty.aws.test.", "A", 30, List.of(), 102)),
          page.rows());
      ChangeLogRow delete = ChangeLogReader.page(c, 3, 100).rows().get(0);
      assertEquals("delete", delete.op());
      assertNull(delete.ttl(), "a delete carries no ttl");
      assertNull(delete.rdata(), "a delete carries no rdata, not an empty one");
      assertEquals(new ChangeLogReader.Page(4, List.of()), ChangeLogReader.page(c, 4, 100));
    }
  }

  @Test
  void aPageReadWhileWritersCommitHoldsEveryRowUpToItsCounterAndNoneBeyond() throws Exception {
    // The follower applies a page and then trusts the counter: a row beyond it would be applied
    // before its counter was seen, a row missing below it would look pruned and force a reload.
    int commits = 300;
    try (Connection c = db.connect();
        Connection writer = db.connect()) {
      long start = ChangeLogReader.counter(c);
      Thread writing =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < commits; i++) {
                    exec(writer, INSERT_A, zoneId, "w" + i + ".aws.test.", 60, "{192.0.2.9}");
                  }
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      writing.start();
      int pages = 0;
      long counter;
      do {
        ChangeLogReader.Page page = ChangeLogReader.page(c, start, Integer.MAX_VALUE);
        counter = page.counter();
        assertEquals(counter - start, page.rows().size(), "rows up to the counter, page " + pages);
        for (int i = 0; i < page.rows().size(); i++) {
          assertEquals(start + 1 + i, page.rows().get(i).seq());
        }
        pages++;
      } while (counter < start + commits);
      writing.join();
      assertTrue(pages > 1, "read while the writer committed");
    }
  }

  @Test
  void loadAllReadsEveryZoneAndRrsetWithTheCounterAndHandsTheConnectionBack() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO zone (name) VALUES ('other.test.')");

      FullLoadRows all = ChangeLogReader.loadAll(c);

      assertEquals(ChangeLogReader.counter(c), all.lastSeq());
      assertEquals(
          List.of("aws.test.", "other.test."),
          all.zones().stream().map(FullLoadRows.ZoneRow::name).toList());
      assertEquals(103, all.zones().get(0).serial());
      assertEquals(
          List.of(new FullLoadRows.RrsetRow(zoneId, "empty.aws.test.", "A", 30, List.of())),
          all.rrsets());
      assertTrue(c.getAutoCommit(), "back in auto-commit for the follower's next read");
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
    }
  }

  @Test
  void loadAllReadsEveryShapeOfRdataAsStoredAndStreamsTheRowsToASink() throws SQLException {
    // One record comes as plain text, the others as an array: every shape must read the same.
    try (Connection c = db.connect()) {
      exec(c, INSERT_A, zoneId, "one.aws.test.", 60, "{192.0.2.7}");
      exec(c, INSERT_A, zoneId, "two.aws.test.", 60, "{192.0.2.7,192.0.2.8}");
      exec(c, INSERT_TXT, zoneId, "null.aws.test.", 60, "{NULL}");
      exec(c, INSERT_TXT, zoneId, "quoted.aws.test.", 60, "{\"a,b \\\"c\\\"\"}");
      List<FullLoadRows.RrsetRow> seen = new java.util.ArrayList<>();
      long[] position = {-1};
      long last =
          ChangeLogReader.loadAll(
              c,
              new FullLoadRows.Sink() {
                @Override
                public void position(long lastSeq) {
                  position[0] = lastSeq;
                }

                @Override
                public void zone(FullLoadRows.ZoneRow zone) {
                  assertTrue(seen.isEmpty(), "zones come before rrsets");
                }

                @Override
                public void rrset(FullLoadRows.RrsetRow rrset) {
                  seen.add(rrset);
                }
              });

      assertEquals(ChangeLogReader.counter(c), last);
      assertEquals(last, position[0], "the position comes first");
      assertEquals(
          Set.of(
              new FullLoadRows.RrsetRow(zoneId, "empty.aws.test.", "A", 30, List.of()),
              new FullLoadRows.RrsetRow(zoneId, "one.aws.test.", "A", 60, List.of("192.0.2.7")),
              new FullLoadRows.RrsetRow(
                  zoneId, "two.aws.test.", "A", 60, List.of("192.0.2.7", "192.0.2.8")),
              new FullLoadRows.RrsetRow(
                  zoneId, "null.aws.test.", "TXT", 60, java.util.Arrays.asList((String) null)),
              new FullLoadRows.RrsetRow(
                  zoneId, "quoted.aws.test.", "TXT", 60, List.of("a,b \"c\""))),
          Set.copyOf(seen));
      assertEquals(5, seen.size(), "each rrset once: " + seen);
      assertEquals(
          Set.copyOf(seen),
          Set.copyOf(ChangeLogReader.loadAll(c).rrsets()),
          "collected or streamed, the same");
    }
  }

  @Test
  void loadAllHandsEveryRrsetOverOnceWhateverItsZoneOrWhereItsRowMoved() throws SQLException {
    // No order is asked of the table (a sequential scan): two zones' rows interleaved, and rows
    // an update rewrote elsewhere in the heap, each come exactly once, as stored now.
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO zone (name) VALUES ('other.test.')");
      long other = longValue(c, "SELECT id FROM zone WHERE name = 'other.test.'");
      exec(c, INSERT_A, other, "x.other.test.", 60, "{192.0.2.10}");
      exec(c, INSERT_A, zoneId, "y.aws.test.", 60, "{192.0.2.11}");
      exec(c, INSERT_A, other, "z.other.test.", 60, "{192.0.2.12}");
      exec(c, "UPDATE rrset SET rdata = '{192.0.2.13}' WHERE name = 'x.other.test.'");
      exec(c, "UPDATE rrset SET ttl = 61 WHERE name = 'x.other.test.'");

      List<FullLoadRows.RrsetRow> rows = ChangeLogReader.loadAll(c).rrsets();

      assertEquals(
          Set.of(
              new FullLoadRows.RrsetRow(zoneId, "empty.aws.test.", "A", 30, List.of()),
              new FullLoadRows.RrsetRow(other, "x.other.test.", "A", 61, List.of("192.0.2.13")),
              new FullLoadRows.RrsetRow(zoneId, "y.aws.test.", "A", 60, List.of("192.0.2.11")),
              new FullLoadRows.RrsetRow(other, "z.other.test.", "A", 60, List.of("192.0.2.12"))),
          Set.copyOf(rows));
      assertEquals(4, rows.size(), "each rrset once: " + rows);
    }
  }

  @Test
  void loadAllReadsExactlyWhatAResultSetReadsWhateverTheTextHolds() throws SQLException {
    // The load reads COPY's text and decodes it itself (CopyText): the driver's result set is the
    // oracle, over rdata full of what COPY and the array syntax escape or quote.
    String[] pieces = {
      "a",
      "192.0.2.1",
      " ",
      "\t",
      "\n",
      "\r",
      "\\",
      "\"",
      "{",
      "}",
      ",",
      "NULL",
      "null",
      "\u00e9",
      "\ud834\udd1e",
      "\u0001",
      "\u007f",
      "\\N",
      "x\\.y",
      "[1:2]=",
      "'"
    };
    java.util.Random random = new java.util.Random(20261203);
    try (Connection c = db.connect()) {
      for (int i = 0; i < 300; i++) {
        int n = random.nextInt(5);
        String[] rdata = new String[n];
        for (int k = 0; k < n; k++) {
          if (random.nextInt(12) == 0) {
            continue; // a NULL element
          }
          StringBuilder text = new StringBuilder();
          for (int len = random.nextInt(5); len > 0; len--) {
            text.append(pieces[random.nextInt(pieces.length)]);
          }
          rdata[k] = text.toString();
        }
        try (java.sql.PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'TXT', ?, ?)")) {
          ps.setLong(1, zoneId);
          ps.setString(2, "r" + i + ".aws.test.");
          ps.setInt(3, random.nextInt(Integer.MAX_VALUE));
          ps.setArray(4, c.createArrayOf("text", rdata));
          ps.executeUpdate();
        }
      }
      List<FullLoadRows.RrsetRow> oracle = new java.util.ArrayList<>();
      try (java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery(ChangeLogReader.RRSET_ROWS)) {
        while (rs.next()) {
          oracle.add(ChangeLogReader.rrsetRow(rs));
        }
      }

      List<FullLoadRows.RrsetRow> copied = ChangeLogReader.loadAll(c).rrsets();

      assertEquals(301, copied.size());
      assertEquals(Set.copyOf(oracle), Set.copyOf(copied));
    }
  }

  @Test
  void aSinkThatStopsTheLoadGetsItsExceptionBackAndTheConnectionIsUsableAfterIt()
      throws SQLException {
    // A load too big for the heap stops at the row past the most it may read: the rest of the
    // COPY must not be left on the wire for the next statement to trip over.
    try (Connection c = db.connect()) {
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT ?, 'h' || i || '.aws.test.',"
              + " 'A', 60, '{192.0.2.1}' FROM generate_series(1, 20000) i",
          zoneId);
      IllegalStateException tooBig = new IllegalStateException("too big");
      int[] read = {0};
      IllegalStateException thrown =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () ->
                  ChangeLogReader.loadAll(
                      c,
                      new FullLoadRows.Sink() {
                        @Override
                        public void position(long lastSeq) {}

                        @Override
                        public void zone(FullLoadRows.ZoneRow zone) {}

                        @Override
                        public void rrset(FullLoadRows.RrsetRow rrset) {
                          if (++read[0] == 3) {
                            throw tooBig;
                          }
                        }
                      }));

      assertTrue(thrown == tooBig, "the sink's own exception: " + thrown);
      assertEquals(3, read[0], "no row after the one that stopped it");
      assertTrue(c.getAutoCommit());
      assertEquals(20001, ChangeLogReader.loadAll(c).rrsets().size(), "the connection reads again");
    }
  }

  @Test
  void eachLoadAllHasTheRowsOfItsCounter() throws SQLException {
    // A follower resumes after lastSeq: rows without their counter would be applied twice, a
    // counter without its rows would skip them.
    try (Connection c = db.connect();
        Connection writer = db.connect()) {
      FullLoadRows before = ChangeLogReader.loadAll(c);
      exec(writer, INSERT_A, zoneId, "late.aws.test.", 60, "{192.0.2.9}");
      FullLoadRows after = ChangeLogReader.loadAll(c);

      assertEquals(before.lastSeq() + 1, after.lastSeq());
      assertEquals(before.rrsets().size() + 1, after.rrsets().size());
    }
  }

  @Test
  void databaseIdentityTellsDatabasesApartAndAPrimaryIsNotInRecovery() throws SQLException {
    TestDb other = TestPostgres.freshDatabase();
    try (Connection c = db.connect();
        Connection d = other.connect()) {
      String id = ChangeLogReader.databaseIdentity(c);
      assertTrue(id.matches("\\d+:\\d+"), id);
      assertEquals(id, ChangeLogReader.databaseIdentity(c), "stable on one database");
      assertNotEquals(id, ChangeLogReader.databaseIdentity(d), "a fresh database is another one");
      String cluster = id.split(":")[0];
      assertEquals(cluster, ChangeLogReader.databaseIdentity(d).split(":")[0], "same cluster");
      assertFalse(ChangeLogReader.inRecovery(c));
    }
  }
}
