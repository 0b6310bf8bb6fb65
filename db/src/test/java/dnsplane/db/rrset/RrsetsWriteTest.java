package dnsplane.db.rrset;

import static dnsplane.db.testing.Sql.column;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbBootstrap;
import dnsplane.db.Json;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Rrsets#write} updates the rows that exist and upserts only the rest. That may not change
 * what a write does: the same batches, written on one database by the single upsert every write
 * used to be ({@link Rrsets#writeSql}) and on another by {@link Rrsets#write}, must succeed or fail
 * alike (same SQLSTATE and constraint), report the same A rrsets written, change the same rows
 * (content, generation, version, updated_at) and log the same change-log rows with the same
 * sequence numbers and serials. The batches cover new rows, rows that exist (changed and not), both
 * together, lost compare-and-sets, legacy overwrites, refused rdata on either path, the non-empty
 * guard at commit, one name in two zones, and a row named twice.
 */
@RequiresPostgres
class RrsetsWriteTest {

  private static final String SETUP =
      "INSERT INTO zone (name) VALUES ('aws.test.'), ('other.test.');"
          + " INSERT INTO endpoint (name, zone_id) SELECT 'g.aws.test.', id FROM zone"
          + "   WHERE name = 'aws.test.';"
          + " INSERT INTO endpoint (name, zone_id, guarded) SELECT 'u.aws.test.', id, false"
          + "   FROM zone WHERE name = 'aws.test.';"
          + " INSERT INTO target (endpoint, address, az) VALUES ('g.aws.test.', '192.0.2.1',"
          + "   'az-a'), ('g.aws.test.', '2001:db8::1', 'az-a');"
          + " INSERT INTO plan (generation) SELECT generate_series(1, 9)";

  /** One batch: compare-and-set or not, and its rows. */
  private record Batch(boolean cas, List<W> rows) {}

  /** One row of a batch, by zone name. */
  private record W(String zone, String name, String type, int ttl, List<String> rdata, long g) {}

  private static W w(String name, String type, long g, String... rdata) {
    return new W("aws.test.", name, type, 60, List.of(rdata), g);
  }

  private static Batch cas(W... rows) {
    return new Batch(true, List.of(rows));
  }

  private static Batch legacy(W... rows) {
    return new Batch(false, List.of(rows));
  }

  private static final String G = "g.aws.test.";
  private static final String U = "u.aws.test.";
  private static final String M = "_plan.g.aws.test.";

  private static final List<Batch> BATCHES =
      List.of(
          // All new.
          cas(
              w(G, "A", 1, "192.0.2.1"),
              w(G, "AAAA", 1, "2001:db8::1"),
              w(M, "TXT", 1, "\"1\""),
              w(U, "A", 1, "192.0.2.2")),
          // Existing rows unchanged and changed, new rows, another zone.
          cas(
              w(G, "A", 2, "192.0.2.1"),
              w(G, "AAAA", 2, "2001:db8::2", "2001:DB8::3"),
              w(M, "TXT", 2, "\"1\""),
              w(U, "AAAA", 2, "::1"),
              new W("other.test.", "x.other.test.", "A", 60, List.of("192.0.2.9"), 2)),
          // A lost compare-and-set beside a write that wins.
          cas(w(G, "A", 1, "192.0.2.7"), w(U, "A", 3, "192.0.2.3")),
          // Every row loses (an older and an equal generation).
          cas(w(G, "A", 1, "192.0.2.7"), w(G, "AAAA", 2, "2001:db8::9")),
          // Legacy overwrites whatever the generations, a TTL alone is content too.
          legacy(
              w(G, "A", 2, "192.0.2.5"),
              w(U, "A", 1),
              new W("aws.test.", M, "TXT", 30, List.of("\"1\""), 2)),
          // Refused rdata on the update path and on the insert path.
          cas(w(G, "AAAA", 4, "192.0.2.1"), w(U, "A", 4, "192.0.2.4")),
          cas(w("n.aws.test.", "AAAA", 4, "not-an-address")),
          // Refused rdata on a row that loses the compare-and-set.
          cas(w(U, "A", 5, "192.0.2.5"), w(G, "AAAA", 1, "192.0.2.1")),
          // The non-empty guard at commit: both families, then one.
          cas(w(G, "A", 5), w(G, "AAAA", 5)),
          cas(w(G, "A", 5), w(G, "AAAA", 5, "2001:db8::5")),
          // One name in two zones, new, then one of them updated.
          cas(
              w("s.aws.test.", "A", 5, "192.0.2.10"),
              new W("other.test.", "s.aws.test.", "A", 60, List.of("192.0.2.11"), 5)),
          cas(new W("other.test.", "s.aws.test.", "A", 60, List.of("192.0.2.12"), 6)),
          // A row named twice, existing and not.
          cas(w(G, "A", 7, "192.0.2.1"), w(G, "A", 7, "192.0.2.2")),
          cas(w("t.aws.test.", "A", 7, "192.0.2.1"), w("t.aws.test.", "A", 7, "192.0.2.2")),
          // A legacy tombstone of the unguarded endpoint and a write of what is there.
          legacy(w(U, "A", 8), w(U, "AAAA", 8), w(G, "A", 8, "192.0.2.5")),
          cas(w(G, "A", 9, "192.0.2.5"), w(G, "AAAA", 9, "2001:db8::2", "2001:DB8::3")));

  /** How a test database writes the batches. */
  private enum Way {
    /** The single upsert every write used to be. */
    SINGLE_UPSERT,
    /** {@link Rrsets#write}, every row tried by the update first. */
    SPLIT,
    /** {@link Rrsets#write} told which rows do not exist (as the enactor tells it). */
    SPLIT_KNOWING_ABSENT
  }

  @Test
  void writesExactlyWhatTheSingleUpsertWrote() throws Exception {
    List<String> before = run(TestPostgres.freshDatabase(), Way.SINGLE_UPSERT);
    List<String> after = run(TestPostgres.freshDatabase(), Way.SPLIT);
    assertEquals(before, after);
    assertEquals(before, run(TestPostgres.freshDatabase(), Way.SPLIT_KNOWING_ABSENT));
    String all = String.join("\n", before);
    assertTrue(all.contains("23514 rrset_address_rdata_valid"), all);
    assertTrue(all.contains("non-empty guard"), all);
    assertTrue(all.contains("21000"), all);
    assertTrue(all.contains("written [g.aws.test.]"), all);
    assertTrue(all.contains("op=set"), all);
  }

  /** Runs every batch in a transaction of its own; returns what each did, then the end state. */
  private static List<String> run(TestDb db, Way way) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DbBootstrap.connect(db.settings())) {
      try (Statement st = c.createStatement()) {
        st.execute(SETUP);
      }
      c.setAutoCommit(false);
      for (int i = 0; i < BATCHES.size(); i++) {
        Batch b = BATCHES.get(i);
        List<RrsetWrite> rows = new ArrayList<>();
        for (W x : b.rows()) {
          long zone =
              Long.parseLong(column(c, "SELECT id FROM zone WHERE name = ?", x.zone()).get(0));
          rows.add(new RrsetWrite(zone, x.name(), x.type(), x.ttl(), x.rdata(), x.g()));
        }
        String outcome;
        try {
          Set<String> exist =
              new java.util.HashSet<>(
                  column(c, "SELECT zone_id || ' ' || name || ' ' || type FROM rrset"));
          Set<String> written =
              switch (way) {
                case SINGLE_UPSERT -> singleUpsert(c, b.cas(), rows);
                case SPLIT -> Rrsets.write(c, b.cas(), rows);
                case SPLIT_KNOWING_ABSENT ->
                    Rrsets.write(
                        c,
                        b.cas(),
                        rows,
                        w -> exist.contains(w.zoneId() + " " + w.name() + " " + w.type()));
              };
          List<String> changed =
              column(
                  c,
                  "SELECT name || ' ' || type || ' v' || version FROM rrset WHERE updated_at ="
                      + " now() ORDER BY 1");
          c.commit();
          outcome = "written " + new TreeSet<>(written) + " content changed " + changed;
        } catch (SQLException e) {
          c.rollback();
          String constraint =
              e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                  ? p.getServerErrorMessage().getConstraint()
                  : null;
          String hint =
              e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                  ? p.getServerErrorMessage().getHint()
                  : null;
          outcome = e.getSQLState() + " " + constraint + " " + hint;
        }
        out.add(i + ": " + outcome);
      }
      out.addAll(
          column(
              c,
              "SELECT concat_ws(' ', z.name, r.name, r.type, r.ttl, r.rdata::text,"
                  + " r.applied_generation, 'v' || r.version) FROM rrset r JOIN zone z"
                  + " ON z.id = r.zone_id ORDER BY z.name, r.name, r.type"));
      out.addAll(
          column(
              c,
              "SELECT concat_ws(' ', seq, zone, 'op=' || op, name, type, ttl, rdata::text, serial)"
                  + " FROM change_log ORDER BY seq"));
      out.addAll(column(c, "SELECT name || ' ' || serial FROM zone ORDER BY name"));
      c.commit();
    }
    return out;
  }

  /** What {@link Rrsets#write} was: the upsert alone, every row in one statement. */
  private static Set<String> singleUpsert(Connection c, boolean cas, List<RrsetWrite> writes)
      throws SQLException {
    int n = writes.size();
    Long[] zones = new Long[n];
    String[] names = new String[n];
    String[] types = new String[n];
    Integer[] ttls = new Integer[n];
    String[] rdata = new String[n];
    Long[] generations = new Long[n];
    for (int i = 0; i < n; i++) {
      RrsetWrite w = writes.get(i);
      zones[i] = w.zoneId();
      names[i] = w.name();
      types[i] = w.type();
      ttls[i] = w.ttl();
      rdata[i] = Json.stringArray(w.rdata());
      generations[i] = w.generation();
    }
    Set<String> writtenA = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(Rrsets.writeSql(cas))) {
      ps.setArray(1, c.createArrayOf("bigint", zones));
      ps.setArray(2, c.createArrayOf("text", names));
      ps.setArray(3, c.createArrayOf("text", types));
      ps.setArray(4, c.createArrayOf("integer", ttls));
      ps.setArray(5, c.createArrayOf("text", rdata));
      ps.setArray(6, c.createArrayOf("bigint", generations));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("A".equals(rs.getString("type"))) {
            writtenA.add(rs.getString("name"));
          }
        }
      }
    }
    return writtenA;
  }
}
