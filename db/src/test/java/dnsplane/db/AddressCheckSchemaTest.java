package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
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
 * V9 re-created rrset_address_rdata_valid so that it skips the PL/pgSQL call for rows that are not
 * A or AAAA. That may not change what the schema accepts or refuses: the same statements run on a
 * database migrated to V8 and on one migrated to the newest version succeed or fail alike (same
 * SQLSTATE, same constraint) and leave the same rows.
 */
@RequiresPostgres
class AddressCheckSchemaTest {

  /** A statement inserting one rrset of aws.test. with {@code type} and {@code rdata}. */
  private static String insert(String name, String type, String rdata) {
    return "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, '"
        + name
        + "', '"
        + type
        + "', 60, '"
        + rdata
        + "'::text[] FROM zone WHERE name = 'aws.test.'";
  }

  /** The enactor's upsert (as an unconditional overwrite) of one row, for the conflict path. */
  private static String upsert(String name, String type, String rdata, long generation) {
    return "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) SELECT id, '"
        + name
        + "', '"
        + type
        + "', 60, '"
        + rdata
        + "'::text[], "
        + generation
        + " FROM zone WHERE name = 'aws.test.'"
        + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = EXCLUDED.rdata,"
        + " applied_generation = EXCLUDED.applied_generation";
  }

  /**
   * Addresses valid and not, of every family and shape the check tells apart, as inserts, as the
   * upsert's insert and update paths, and as updates that change the type under the rdata.
   */
  private static final List<String> SCRIPT =
      List.of(
          "INSERT INTO zone (name) VALUES ('aws.test.')",
          insert("a1.aws.test.", "A", "{192.0.2.1,198.51.100.255}"),
          insert("a2.aws.test.", "A", "{}"),
          insert("a3.aws.test.", "A", "{192.0.2.01}"),
          insert("a4.aws.test.", "A", "{256.0.0.1}"),
          insert("a5.aws.test.", "A", "{192.0.2}"),
          insert("a6.aws.test.", "A", "{192.0.2.1,NULL}"),
          insert("a7.aws.test.", "A", "{2001:db8::1}"),
          insert("a8.aws.test.", "A", "{\" 192.0.2.1\"}"),
          insert("b1.aws.test.", "AAAA", "{2001:db8::1,::ffff:192.0.2.1,::}"),
          insert("b2.aws.test.", "AAAA", "{}"),
          insert("b3.aws.test.", "AAAA", "{192.0.2.1}"),
          insert("b4.aws.test.", "AAAA", "{2001:db8::g}"),
          insert("b5.aws.test.", "AAAA", "{fe80::1%eth0}"),
          insert("b6.aws.test.", "AAAA", "{2001:db8::/64}"),
          insert("b7.aws.test.", "AAAA", "{NULL}"),
          insert("b8.aws.test.", "AAAA", "{1:2:3:4:5:6:7:8:9}"),
          // Any rdata goes for other types, NULL elements and addresses of the wrong family too.
          insert("c1.aws.test.", "TXT", "{\"x y\",NULL,\"\"}"),
          insert("c2.aws.test.", "MX", "{\"10 mail.aws.test.\"}"),
          insert("c3.aws.test.", "CNAME", "{192.0.2.01}"),
          insert("c4.aws.test.", "A6", "{not-an-address}"),
          insert("c5.aws.test.", "AAAAA", "{192.0.2.1}"),
          // Lower case is no A: the type check refuses it before the address check can matter.
          insert("c6.aws.test.", "a", "{192.0.2.1}"),
          // The upsert: the insert path and the update path, valid and not.
          upsert("d1.aws.test.", "A", "{192.0.2.7}", 1),
          upsert("d1.aws.test.", "A", "{192.0.2.8}", 2),
          upsert("d1.aws.test.", "A", "{192.0.2.008}", 3),
          upsert("d2.aws.test.", "AAAA", "{2001:db8::7}", 1),
          upsert("d2.aws.test.", "AAAA", "{192.0.2.7}", 2),
          upsert("d3.aws.test.", "TXT", "{192.0.2.007}", 1),
          upsert("d3.aws.test.", "TXT", "{anything}", 2),
          // Updates: rdata that breaks the family, and a type changed under rdata.
          "UPDATE rrset SET rdata = '{192.0.2.1,1.2.3.4.5}' WHERE name = 'a1.aws.test.'",
          "UPDATE rrset SET rdata = '{2001:db8::2}' WHERE name = 'b1.aws.test.'",
          "UPDATE rrset SET type = 'A' WHERE name = 'c3.aws.test.'",
          "UPDATE rrset SET type = 'A' WHERE name = 'c2.aws.test.'",
          "UPDATE rrset SET type = 'AAAA' WHERE name = 'c1.aws.test.'",
          "UPDATE rrset SET type = 'TXT' WHERE name = 'a1.aws.test.'",
          "UPDATE rrset SET type = 'A' WHERE name = 'a1.aws.test.'",
          // A multi-row statement with one bad row fails whole.
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT z.id, v.n, v.t, 60,"
              + " v.r::text[] FROM zone z, (VALUES ('e1.aws.test.', 'A', '{192.0.2.1}'),"
              + " ('e2.aws.test.', 'AAAA', '{2001:db8::1}'), ('e3.aws.test.', 'AAAA',"
              + " '{192.0.2.1}')) v(n, t, r) WHERE z.name = 'aws.test.'");

  @Test
  void acceptsAndRefusesExactlyWhatV8Did() throws Exception {
    TestDb newest = TestPostgres.freshDatabase();
    try (OlderSchema older = OlderSchema.at(newest, "8")) {
      List<String> before = run(older.settings());
      List<String> after = run(newest.settings());
      long refused = before.stream().filter(s -> s.contains("rrset_address_rdata_valid")).count();
      assertTrue(refused >= 15, "the script is refused by the address check: " + before);
      assertTrue(before.stream().filter(s -> s.endsWith(": ok")).count() >= 15, before.toString());
      assertEquals(before, after);
    }
  }

  /**
   * Runs {@link #SCRIPT} statement by statement (auto-commit); returns each statement's outcome
   * (ok, or the SQLSTATE and the constraint named in the error), then the rows left, then whether
   * the address check is marked validated.
   */
  private static List<String> run(DbSettings db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DbBootstrap.connect(db)) {
      for (int i = 0; i < SCRIPT.size(); i++) {
        String outcome;
        try (Statement st = c.createStatement()) {
          st.execute(SCRIPT.get(i));
          outcome = "ok";
        } catch (SQLException e) {
          String constraint =
              e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                  ? p.getServerErrorMessage().getConstraint()
                  : null;
          outcome = e.getSQLState() + " " + constraint;
        }
        out.add(i + ": " + outcome);
      }
      out.addAll(
          column(
              c,
              "SELECT concat_ws(' ', name, type, rdata::text, applied_generation)"
                  + " FROM rrset ORDER BY name, type"));
      out.addAll(
          column(
              c,
              "SELECT conname || ' validated=' || convalidated FROM pg_constraint"
                  + " WHERE conrelid = 'rrset'::regclass AND contype = 'c' ORDER BY conname"));
    }
    return out;
  }
}
