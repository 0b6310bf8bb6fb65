package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Heard;
import dnsplane.db.testing.OlderSchema;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * V13 runs the change-log and generation-count triggers' queries as plain PL/pgSQL SQL, with the
 * plans the session keeps, for statements of at most 100 rows, and with EXECUTE above that. One
 * session here writes small, large, small again, of every kind (insert, upsert, update, delete;
 * rows with and without a plan generation; changed and unchanged), crossing the 100-row line both
 * ways, so that each path runs after the other has planned. The change log, the serials, the
 * counter, the generation counts and the notifications must be exactly V12's.
 */
@RequiresPostgres
class CachedTriggerPlansSchemaTest {

  /** Rows {@code h<from>..h<to>} of zone a.test., in one INSERT, holding generation {@code g}. */
  private static String insert(int from, int to, String generation) {
    return insert("a.test.", from, to, generation);
  }

  private static String insert(String zone, int from, int to, String generation) {
    return "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
        + " SELECT z.id, 'h' || i || '."
        + zone
        + "', 'A', 60, ARRAY['192.0.2.' || (i % 250 + 1)], "
        + generation
        + " FROM zone z, generate_series("
        + from
        + ", "
        + to
        + ") i WHERE z.name = '"
        + zone
        + "'";
  }

  /** An upsert of h<from>..h<to>: new rows inserted, the others' address moved on by one. */
  private static String upsert(int from, int to, String generation) {
    return insert(from, to, generation)
        + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = ARRAY['198.51.100.'"
        + " || (split_part(rrset.rdata[1], '.', 4)::int % 250 + 1)],"
        + " applied_generation = EXCLUDED.applied_generation";
  }

  private static String range(int from, int to) {
    return " WHERE name IN (SELECT 'h' || i || '.a.test.' FROM generate_series("
        + from
        + ", "
        + to
        + ") i)";
  }

  private static final List<String> SCRIPT =
      List.of(
          "INSERT INTO zone (name) VALUES ('a.test.'), ('b.test.'), ('c.test.')",
          "INSERT INTO plan (generation) VALUES (1), (2), (3)",
          // Small first: the kept plans are made for a few rows.
          insert(0, 2, "NULL"),
          insert(3, 5, "1"),
          "UPDATE rrset SET ttl = 30" + range(0, 1),
          "UPDATE rrset SET applied_generation = 2" + range(3, 4),
          // Large after small: each goes through EXECUTE, planned for its size.
          insert(6, 500, "NULL"),
          insert(501, 900, "1"),
          upsert(400, 1_100, "2"),
          "UPDATE rrset SET ttl = 45" + range(0, 700),
          // Changes nothing served: logs nothing, whatever the size.
          "UPDATE rrset SET applied_generation = 3" + range(501, 800),
          "UPDATE rrset SET applied_generation = 1" + range(801, 803),
          // Small after large.
          upsert(1_099, 1_102, "3"),
          "UPDATE rrset SET rdata = ARRAY['192.0.2.77']" + range(10, 12),
          "UPDATE rrset SET ttl = 46, applied_generation = 1" + range(501, 505),
          // Deletes: rows no plan manages (small, large, small), then zones whose rows a plan
          // manages, removed with their zone (small, then large).
          "DELETE FROM rrset" + range(0, 2),
          "DELETE FROM rrset" + range(6, 300),
          "DELETE FROM rrset" + range(301, 302),
          insert("b.test.", 0, 149, "1"),
          insert("c.test.", 0, 2, "2"),
          "DELETE FROM zone WHERE name = 'c.test.'",
          "DELETE FROM zone WHERE name = 'b.test.'",
          // Exactly at the line, and one past it.
          insert(2_000, 2_099, "1"),
          insert(3_000, 3_100, "1"),
          "UPDATE rrset SET ttl = 50" + range(2_000, 2_099),
          "UPDATE rrset SET ttl = 50" + range(3_000, 3_100));

  @Test
  void logsAndCountsExactlyWhatV12DidOnEitherSideOfTheLine() throws Exception {
    TestDb newest = TestPostgres.freshDatabase();
    try (OlderSchema older = OlderSchema.at(newest, "12")) {
      List<String> before = run(older.settings());
      List<String> after = run(newest.settings());
      assertTrue(
          before.stream().filter(l -> l.startsWith("log ")).count() > 2_000,
          "the script logs thousands of changes");
      List<String> counted = prefixed(after, "counted ");
      assertTrue(counted.size() >= 2, "rows hold generations at the end: " + counted);
      assertEquals(prefixed(after, "held "), counted, "the counts are the generations rows hold");
      assertEquals(before, after);
    }
  }

  private static List<String> prefixed(List<String> out, String prefix) {
    return out.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .toList();
  }

  /** Runs {@link #SCRIPT} on one connection; returns everything the triggers wrote and sent. */
  private static List<String> run(DbSettings db) throws SQLException {
    try (Connection c = DbBootstrap.connect(db);
        Connection listener = DbBootstrap.connect(db)) {
      exec(listener, "LISTEN dnsplane_change");
      for (String sql : SCRIPT) {
        exec(c, sql);
      }
      List<String> out = new ArrayList<>();
      out.addAll(
          column(
              c,
              "SELECT 'log ' || concat_ws(' ', seq, zone, op, name, type, ttl, rdata::text, serial)"
                  + " FROM change_log ORDER BY seq"));
      out.addAll(column(c, "SELECT 'zone ' || name || ' ' || serial FROM zone ORDER BY name"));
      out.addAll(
          column(
              c,
              "SELECT 'counted ' || generation || ':' || rrsets FROM rrset_generation_ref"
                  + " ORDER BY generation"));
      out.addAll(
          column(
              c,
              "SELECT 'held ' || applied_generation || ':' || count(*) FROM rrset"
                  + " WHERE applied_generation IS NOT NULL GROUP BY applied_generation"
                  + " ORDER BY applied_generation"));
      out.add("last_seq " + longValue(c, "SELECT last_seq FROM change_log_counter"));
      out.addAll(Heard.untilEnd(c, listener));
      return out;
    }
  }
}
