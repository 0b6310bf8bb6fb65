package dnsplane.authdns.scale;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.testing.TestServers;
import dnsplane.authdns.testing.TransferClient;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server that starts with nothing of its own starts from the newest snapshot checkpoint another
 * server wrote to PostgreSQL, and answers what a full load would: the checkpoint brought up to date
 * through the change log before its first answer. One that does not check out is refused whole, and
 * every rrset row read instead; so is every checkpoint on a schema that has none.
 */
@RequiresPostgres
class CheckpointStartTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private TestDb db;
  private long checkpointSeq;

  private static AuthDns start(TestDb db, PersistConfig.Checkpoints mode) throws Exception {
    return TestServers.withCheckpoints(db, mode);
  }

  /** A database whose first server wrote a checkpoint, then changed after it. */
  @BeforeEach
  void aCheckpointThenChanges() throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), StandbyFollowTest.ZONE, null);
    try (AuthDns first = start(db, PersistConfig.Checkpoints.WRITE)) {
      assertEquals(-1, first.startedFromCheckpoint(), "nothing to start from: a full load");
      Await.until(
          "the first server's checkpoint",
          DEADLINE,
          () -> longValue(db, "SELECT count(*) FROM snapshot_checkpoint") == 1);
    }
    checkpointSeq = longValue(db, "SELECT seq FROM snapshot_checkpoint");
    assertEquals(lastSeq(db), checkpointSeq);
    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.20'] WHERE name = 'www.example.org.'");
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
            + " SELECT id, 'later.example.org.', 'A', 300, ARRAY['192.0.2.30'] FROM zone");
    exec(db, "DELETE FROM rrset WHERE name = 'ns1.example.org.' AND type = 'A'");
  }

  private static Message ask(AuthDns server, String name) throws Exception {
    Record q = Record.newRecord(Name.fromString(name), Type.A, DClass.IN);
    return TransferClient.udp(server.dnsAddress(), Message.newQuery(q).toWire());
  }

  private static List<String> addresses(AuthDns server, String name) throws Exception {
    Message m = ask(server, name);
    assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
    return m.getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() == Type.A)
        .map(Record::rdataToString)
        .toList();
  }

  /** What a server started with every rrset row read answers, to compare with. */
  private List<String> fullLoadAnswers(String... names) throws Exception {
    try (AuthDns full = start(db, PersistConfig.Checkpoints.OFF)) {
      assertEquals(-1, full.startedFromCheckpoint());
      return answers(full, names);
    }
  }

  private static List<String> answers(AuthDns server, String... names) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (String n : names) {
      Message m = ask(server, n);
      out.add(n + " " + Rcode.string(m.getRcode()) + " " + m.getSection(Section.ANSWER));
    }
    return out;
  }

  private static final String[] NAMES = {
    "www.example.org.", "later.example.org.", "ns1.example.org.", "example.org."
  };

  @Test
  void aServerThatStartsEmptyReadsTheCheckpointAndTheChangesAfterIt() throws Exception {
    List<String> expected = fullLoadAnswers(NAMES);
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.READ)) {
      assertEquals(checkpointSeq, fresh.startedFromCheckpoint());
      assertEquals(lastSeq(db), fresh.status().appliedSeq(), "current before its first answer");
      assertTrue(fresh.status().loaded() && !fresh.status().restored());
      assertEquals(List.of("192.0.2.20"), addresses(fresh, "www.example.org."));
      assertEquals(List.of("192.0.2.30"), addresses(fresh, "later.example.org."));
      assertEquals(Rcode.NXDOMAIN, ask(fresh, "ns1.example.org.").getRcode(), "deleted since");
      assertEquals(expected, answers(fresh, NAMES));
    }
    assertEquals(
        1, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"), "a reader writes none");
  }

  @Test
  void aCorruptCheckpointIsRefusedWholeAndEveryRowRead() throws Exception {
    List<String> expected = fullLoadAnswers(NAMES);
    // One bit flipped in the middle of the stored snapshot.
    exec(
        db,
        "UPDATE snapshot_checkpoint_chunk"
            + " SET data = set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 4)");
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.READ)) {
      assertEquals(-1, fresh.startedFromCheckpoint());
      assertEquals(expected, answers(fresh, NAMES));
    }
  }

  @Test
  void aCheckpointWhoseNextChangesWerePrunedIsReplacedByAFullLoad() throws Exception {
    List<String> expected = fullLoadAnswers(NAMES);
    // Retention pruned the change log past the checkpoint: it cannot be brought up to date.
    exec(db, "DELETE FROM change_log WHERE seq < (SELECT last_seq FROM change_log_counter)");
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.READ)) {
      assertEquals(-1, fresh.startedFromCheckpoint(), "read, found stale, then every row read");
      assertEquals(lastSeq(db), fresh.status().appliedSeq());
      assertEquals(expected, answers(fresh, NAMES));
    }
  }

  @Test
  void aSchemaWithoutCheckpointsIsReadRowByRow() throws Exception {
    List<String> expected = fullLoadAnswers(NAMES);
    // What serve meets on a database not yet migrated to V12 (serve never migrates).
    exec(db, "DROP TABLE snapshot_checkpoint_chunk, snapshot_checkpoint");
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.WRITE)) {
      assertEquals(-1, fresh.startedFromCheckpoint());
      assertEquals(expected, answers(fresh, NAMES));
    }
  }
}
