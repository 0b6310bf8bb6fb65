package dnsplane.authdns.e2e;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authdns zone checkpoint} on a database that has no checkpoint (an import told not to write
 * one stands for an upgrade's first day): it writes one, then finds it recent enough, and a role
 * that may not write one is told so with exit 1.
 */
@RequiresPostgres
class ZoneCheckpointCommandTest {

  @TempDir Path dir;

  private static MainRun run(Map<String, String> env, String... args) {
    return MainRun.of(env, args);
  }

  private TestDb importedWithoutCheckpoint() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    Path zone = dir.resolve("example.zone");
    Files.writeString(
        zone,
        "@ 300 IN SOA ns1 h 1 2 3 4 5\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n"
            + "www 60 IN A 192.0.2.80\n");
    MainRun imported =
        run(
            db.env(),
            "zone",
            "import",
            "--no-checkpoint",
            zone.toString(),
            "--origin",
            "example.org");
    assertEquals(0, imported.code(), imported.toString());
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
    return db;
  }

  @Test
  void writesOneWhenNoneIsThereAndNoneWhileItIsRecentEnough() throws Exception {
    TestDb db = importedWithoutCheckpoint();

    MainRun first = run(db.env(), "zone", "checkpoint");

    assertEquals(0, first.code(), first.toString());
    assertTrue(first.out().startsWith("wrote snapshot checkpoint"), first.out());
    assertEquals(1, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
    assertEquals(
        longValue(db, "SELECT last_seq FROM change_log_counter"),
        longValue(db, "SELECT seq FROM snapshot_checkpoint"),
        "of the database as it is now");
    assertTrue(
        longValue(
                db,
                "SELECT count(*) FROM snapshot_checkpoint WHERE written_by LIKE 'zone checkpoint"
                    + " pid %'")
            == 1,
        "its row names the command");

    MainRun again = run(db.env(), "zone", "checkpoint");

    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("recent enough"), again.out());
    assertEquals(1, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
  }

  @Test
  void aRoleThatMayNotWriteOneExits1AndNamesTheGrant() throws Exception {
    TestDb db = importedWithoutCheckpoint();
    exec(
        db,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_test_ro')"
            + " THEN CREATE ROLE dnsplane_test_ro LOGIN IN ROLE dnsplane_reader; END IF; END $$");
    Map<String, String> readOnly = new HashMap<>(db.env());
    readOnly.put("DNSPLANE_DB_USER", "dnsplane_test_ro");
    readOnly.put("DNSPLANE_DB_PASSWORD", "");

    MainRun refused = run(readOnly, "zone", "checkpoint");

    assertEquals(1, refused.code(), refused.toString());
    assertTrue(refused.err().contains("dnsplane_checkpoint_writer"), refused.err());
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
  }
}
