package dnsplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.OlderSchema;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * V10 moved the tests at the top of rrset_keep_managed and rrset_lock_applied_plan into their
 * triggers' WHEN clauses, so the functions are called only for rows they act on. That may change
 * neither what is refused nor which plans a write locks: each case below runs on a database at V9
 * and on one at the newest version, in a transaction of its own, and must end alike (the outcome of
 * each statement, then which plan rows another connection finds locked while the transaction is
 * open, then the rows it leaves).
 */
@RequiresPostgres
class RowTriggersSchemaTest {

  private static final String SETUP =
      "INSERT INTO zone (name) VALUES ('aws.test.'); INSERT INTO endpoint (name, zone_id) SELECT"
          + " 'g.aws.test.', id FROM zone; INSERT INTO endpoint (name, zone_id, guarded) SELECT"
          + " 'u.aws.test.', id, false   FROM zone; INSERT INTO endpoint (name, zone_id,"
          + " deleted_at) SELECT 'd.aws.test.', id, now()   FROM zone; INSERT INTO target"
          + " (endpoint, address, az) VALUES ('g.aws.test.', '192.0.2.1',   'az-a'),"
          + " ('g.aws.test.', '2001:db8::1', 'az-a'); INSERT INTO plan (generation) SELECT"
          + " generate_series(1, 4); INSERT INTO rrset (zone_id, name, type, ttl, rdata,"
          + " applied_generation)   SELECT z.id, v.n, v.t, 60, v.r::text[], v.g FROM zone z,"
          + " (VALUES   ('g.aws.test.', 'A', '{192.0.2.1}', 1), ('g.aws.test.', 'AAAA',"
          + " '{2001:db8::1}', 1),   ('_plan.g.aws.test.', 'TXT', '{\"\\\"1\\\"\"}', 1),  "
          + " ('u.aws.test.', 'A', '{192.0.2.2}', 1), ('d.aws.test.', 'A', '{192.0.2.3}', 1),  "
          + " ('x.aws.test.', 'TXT', '{free}', NULL), ('y.aws.test.', 'A', '{192.0.2.4}', NULL))  "
          + " v(n, t, r, g)";

  private static String row(String name, String type, String rdata, long g) {
    return "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) SELECT id, '"
        + name
        + "', '"
        + type
        + "', 60, '"
        + rdata
        + "'::text[], "
        + g
        + " FROM zone";
  }

  private static String upsert(String name, String type, String rdata, long g) {
    return row(name, type, rdata, g)
        + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = EXCLUDED.rdata,"
        + " applied_generation = EXCLUDED.applied_generation";
  }

  /** Each case: the statements of one transaction. */
  private static final List<List<String>> CASES =
      List.of(
          // The plan lock: inserts, updates and upserts, guarded or not, A/AAAA or not.
          List.of(row("n.aws.test.", "A", "{192.0.2.9}", 2)),
          List.of(row("g.aws.test.", "MX", "{\"10 mx.aws.test.\"}", 2)),
          List.of(row("_plan.n.aws.test.", "TXT", "{x}", 2)),
          List.of(upsert("g.aws.test.", "A", "{192.0.2.5}", 2)),
          List.of(upsert("g.aws.test.", "AAAA", "{2001:db8::5}", 1)),
          List.of(upsert("u.aws.test.", "A", "{192.0.2.5}", 2)),
          List.of(upsert("d.aws.test.", "A", "{192.0.2.5}", 2)),
          List.of(upsert("_plan.g.aws.test.", "TXT", "{x}", 3)),
          List.of("UPDATE rrset SET applied_generation = 3 WHERE name = 'g.aws.test.'"),
          List.of(
              "UPDATE rrset SET rdata = '{192.0.2.6}' WHERE name = 'g.aws.test.' AND type = 'A'"),
          List.of("UPDATE rrset SET applied_generation = 2 WHERE name = 'y.aws.test.'"),
          List.of("UPDATE rrset SET applied_generation = 2, type = 'A' WHERE name = 'x.aws.test.'"),
          // Two plans in one transaction, and a lock the GUC already claims.
          List.of(
              upsert("g.aws.test.", "A", "{192.0.2.5}", 2),
              upsert("g.aws.test.", "AAAA", "{2001:db8::5}", 3)),
          List.of(
              "SELECT set_config('dnsplane.locked_plan', '3', true)",
              upsert("g.aws.test.", "A", "{192.0.2.5}", 3)),
          List.of(
              "SELECT set_config('dnsplane.locked_plan', '2', true)",
              upsert("g.aws.test.", "A", "{192.0.2.5}", 3)),
          // Tombstones: a managed row cannot be deleted, renamed, retyped, moved or unmanaged.
          List.of("DELETE FROM rrset WHERE name = 'g.aws.test.' AND type = 'A'"),
          List.of("DELETE FROM rrset WHERE name = 'y.aws.test.'"),
          List.of("DELETE FROM rrset WHERE name = '_plan.g.aws.test.'"),
          List.of("UPDATE rrset SET name = 'h.aws.test.' WHERE name = 'u.aws.test.'"),
          List.of("UPDATE rrset SET type = 'AAAA' WHERE name = 'u.aws.test.'"),
          List.of("UPDATE rrset SET applied_generation = NULL WHERE name = 'u.aws.test.'"),
          List.of("UPDATE rrset SET name = 'z.aws.test.' WHERE name = 'y.aws.test.'"),
          List.of("UPDATE rrset SET ttl = 30, applied_generation = 4 WHERE name = 'u.aws.test.'"),
          List.of(
              "INSERT INTO zone (name) VALUES ('other.test.')",
              "UPDATE rrset SET zone_id = (SELECT id FROM zone WHERE name = 'other.test.')"
                  + " WHERE name = 'y.aws.test.'",
              "UPDATE rrset SET zone_id = (SELECT id FROM zone WHERE name = 'other.test.')"
                  + " WHERE name = 'u.aws.test.'"),
          // plan_delete_guard: a plan held by a guarded endpoint's address rows cannot go.
          List.of("DELETE FROM plan WHERE generation = 1"),
          List.of("DELETE FROM plan WHERE generation = 4"),
          List.of("DELETE FROM plan WHERE generation IN (3, 4)"),
          List.of(
              "UPDATE endpoint SET guarded = false WHERE name = 'g.aws.test.'",
              "DELETE FROM plan WHERE generation = 1"),
          List.of(
              "UPDATE endpoint SET deleted_at = now() WHERE name = 'g.aws.test.'",
              "DELETE FROM plan WHERE generation = 1"),
          List.of(
              upsert("_plan.x.aws.test.", "TXT", "{x}", 3),
              "DELETE FROM plan WHERE generation = 3"),
          List.of(
              upsert("u.aws.test.", "A", "{192.0.2.5}", 3),
              "DELETE FROM plan WHERE generation = 3"),
          List.of(
              upsert("g.aws.test.", "A", "{192.0.2.5}", 3),
              "DELETE FROM plan WHERE generation = 3"),
          List.of(
              "UPDATE rrset SET applied_generation = 2 WHERE name = 'g.aws.test.'",
              "DELETE FROM plan WHERE generation = 1"),
          List.of(
              "UPDATE rrset SET applied_generation = 2 WHERE name = 'g.aws.test.'",
              "DELETE FROM plan WHERE generation = 2"),
          List.of(
              "UPDATE rrset SET applied_generation = 2 WHERE applied_generation = 1",
              "DELETE FROM plan WHERE generation = 1",
              "DELETE FROM plan WHERE generation = 2"),
          List.of(
              "UPDATE rrset SET applied_generation = 2 WHERE name = 'g.aws.test.' AND type = 'A'",
              "DELETE FROM plan WHERE generation = 1"),
          // A zone's deletion cascades through its managed rows.
          List.of("DELETE FROM endpoint", "DELETE FROM zone WHERE name = 'aws.test.'"));

  @Test
  void refusesAndLocksExactlyWhatV9Did() throws Exception {
    TestDb newest = TestPostgres.freshDatabase();
    try (OlderSchema older = OlderSchema.at(newest, "9")) {
      List<String> before = run(older.settings());
      List<String> after = run(newest.settings());
      assertEquals(before, after);
      String all = String.join("\n", before);
      assertTrue(all.contains("tombstone guard"), all);
      assertTrue(all.contains("reference guard"), all);
      assertTrue(all.contains("locked [2]"), all);
      assertTrue(all.contains("locked [2, 3]"), all);
      assertTrue(all.contains("locked []"), all);
    }
  }

  private static List<String> run(DbSettings db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection setup = DbBootstrap.connect(db);
        Statement st = setup.createStatement()) {
      st.execute(SETUP);
    }
    try (Connection c = DbBootstrap.connect(db);
        Connection probe = DbBootstrap.connect(db)) {
      c.setAutoCommit(false);
      for (int i = 0; i < CASES.size(); i++) {
        StringBuilder sb = new StringBuilder(i + ":");
        boolean failed = false;
        for (String sql : CASES.get(i)) {
          try (Statement st = c.createStatement()) {
            st.execute(sql);
            sb.append(" ok");
          } catch (SQLException e) {
            String hint =
                e instanceof org.postgresql.util.PSQLException p
                        && p.getServerErrorMessage() != null
                    ? p.getServerErrorMessage().getHint()
                    : null;
            sb.append(' ').append(e.getSQLState()).append(' ').append(hint);
            // The plan, its guard and the write under it: what a refusal names must match too.
            sb.append(' ').append(e.getMessage().lines().findFirst().orElse(""));
            failed = true;
            break;
          }
        }
        sb.append(" locked ").append(lockedPlans(probe));
        if (!failed) {
          sb.append(" rows ")
              .append(
                  dnsplane.db.testing.Sql.column(
                      c,
                      "SELECT concat_ws(' ', name, type, rdata::text, applied_generation)"
                          + " FROM rrset ORDER BY name, type"))
              .append(" plans ")
              .append(
                  dnsplane.db.testing.Sql.column(
                      c, "SELECT generation::text FROM plan ORDER BY generation"));
        }
        out.add(sb.toString());
        c.rollback();
      }
    }
    return out;
  }

  /** The plans another transaction cannot lock FOR UPDATE without waiting. */
  private static List<Long> lockedPlans(Connection probe) throws SQLException {
    List<Long> locked = new ArrayList<>();
    for (long g = 1; g <= 4; g++) {
      try (Statement st = probe.createStatement()) {
        st.execute("SELECT 1 FROM plan WHERE generation = " + g + " FOR UPDATE NOWAIT");
      } catch (SQLException e) {
        if (!"55P03".equals(e.getSQLState())) {
          throw e;
        }
        locked.add(g);
      }
    }
    return locked;
  }
}
