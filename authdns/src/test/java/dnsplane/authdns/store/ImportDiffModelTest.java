package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.db.zone.RrsetRow;
import dnsplane.db.zone.ZoneReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The diff the streaming import computes in SQL is the one the in-memory import computed ({@link
 * RrsetDiff}, the reference model): on random zones whose rrsets are scattered through the file,
 * with repeated records, empty rrsets, SOA serial changes, plan-managed rrsets (endpoints, rows
 * with a generation) and rows an enactor stored with repeated rdata, the counts, the rrsets left
 * alone, the rows after, and the change_log rows (which and in which order) are the model's.
 */
@RequiresPostgres
class ImportDiffModelTest {

  static final String ZONE = "model.test.";
  static final List<String> NAMES = List.of("a", "b", "c", "d", "e1", "e2", "g", "_plan.e1");
  static final Map<String, List<String>> RDATA =
      Map.of(
          "A", List.of("192.0.2.1", "192.0.2.2", "192.0.2.3"),
          "AAAA", List.of("2001:db8::1", "2001:db8::2"),
          "TXT", List.of("\"x\"", "\"y z\"", "\"tab\\009\""),
          "MX", List.of("10 mx1", "20 mx2.example.net."));
  static final int ROUNDS = 40;

  private static final String CAS_WRITE =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
          + " SELECT id, ?, ?, 60, ?::text[], ? FROM zone WHERE name = 'model.test.'"
          + " ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = EXCLUDED.ttl,"
          + " rdata = EXCLUDED.rdata, applied_generation = EXCLUDED.applied_generation,"
          + " version = rrset.version + 1, updated_at = now()";

  private TestDb db;

  @Test
  void theSqlDiffIsTheInMemoryDiff() throws Exception {
    db = TestPostgres.freshDatabase();
    Random rnd = new Random(20261129);
    ZoneImporter.importText(db.settings(), zone(rnd), null);
    // e1 has had plans (its A, AAAA and _plan TXT hold generation 3); e2 has had none yet; g TXT
    // holds a generation without being an endpoint's.
    exec(db, "INSERT INTO endpoint (name, zone_id) SELECT 'e1.model.test.', id FROM zone");
    exec(db, "INSERT INTO endpoint (name, zone_id) SELECT 'e2.model.test.', id FROM zone");
    exec(db, CAS_WRITE, "e1.model.test.", "A", new String[] {"192.0.2.9"}, 3L);
    exec(db, CAS_WRITE, "e1.model.test.", "AAAA", new String[] {}, 3L);
    exec(db, CAS_WRITE, "_plan.e1.model.test.", "TXT", new String[] {"\"generation 3\""}, 3L);
    exec(db, CAS_WRITE, "g.model.test.", "TXT", new String[] {"\"g\""}, 4L);

    int refused = 0;
    int written = 0;
    for (int round = 0; round < ROUNDS; round++) {
      if (rnd.nextInt(4) == 0) {
        // As an enactor may store it: the same address twice (the file's is then different).
        exec(
            db,
            "UPDATE rrset SET rdata = rdata || rdata WHERE name = ? AND type = 'A'"
                + " AND applied_generation IS NULL AND cardinality(rdata) > 0",
            NAMES.get(rnd.nextInt(4)) + "." + ZONE);
      }
      String file = zone(rnd);
      String what = "round " + round + ":\n" + file;
      Map<RrsetRow.Key, RrsetRow> stored = rows();
      Set<RrsetRow.Key> managed;
      try (Connection c = db.connect()) {
        managed = ZoneReader.managed(c, ZoneReader.zoneId(c, ZONE).orElseThrow());
      }
      Map<RrsetRow.Key, RrsetRow> wanted = ZoneFileParser.parse(file, null).rrsets();
      RrsetDiff model = RrsetDiff.between(stored, wanted, managed);
      long seq = longValue(db, "SELECT max(seq) FROM change_log");

      if (cnameAtManagedName(model, managed)) {
        ZoneFileException e =
            assertThrows(
                ZoneFileException.class,
                () -> ZoneImporter.importText(db.settings(), file, null),
                what);
        assertTrue(e.getMessage().contains("has a CNAME in the file"), e.getMessage());
        assertEquals(stored, rows(), what);
        assertEquals(seq, longValue(db, "SELECT max(seq) FROM change_log"), what);
        refused++;
        continue;
      }
      ImportResult r = ZoneImporter.importText(db.settings(), file, null);

      assertEquals(model.inserts().size(), r.inserted(), what);
      assertEquals(model.updates().size(), r.updated(), what);
      assertEquals(model.deletes().size(), r.deleted(), what);
      assertEquals(model.leftAlone(), r.leftAlone(), what);
      int managedInFile = (int) model.leftAlone().stream().filter(wanted::containsKey).count();
      assertEquals(wanted.size() - r.inserted() - r.updated() - managedInFile, r.unchanged(), what);
      assertEquals(expectedRows(stored, model), rows(), what);
      assertEquals(expectedChanges(stored, model), changesSince(seq), what);
      written += r.written();
    }
    assertTrue(
        refused > 0 && written > ROUNDS, "the rounds tried both: " + refused + ", " + written);
  }

  /** The stored rows after the model's diff is applied. */
  private static Map<RrsetRow.Key, RrsetRow> expectedRows(
      Map<RrsetRow.Key, RrsetRow> stored, RrsetDiff model) {
    Map<RrsetRow.Key, RrsetRow> out = new LinkedHashMap<>(stored);
    model.deletes().forEach(r -> out.remove(r.key()));
    model.updates().forEach(r -> out.put(r.key(), r));
    model.inserts().forEach(r -> out.put(r.key(), r));
    return out;
  }

  /**
   * The change_log rows the in-memory import wrote for the model's diff: deletes, updates, inserts;
   * within each statement in row-id order (stored order for deletes and updates, file order for the
   * new rows).
   */
  private static List<String> expectedChanges(Map<RrsetRow.Key, RrsetRow> stored, RrsetDiff model) {
    List<RrsetRow.Key> order = new ArrayList<>(stored.keySet());
    List<String> out = new ArrayList<>();
    model.deletes().forEach(r -> out.add("delete " + r.key()));
    List<RrsetRow> updates = new ArrayList<>(model.updates());
    updates.sort((x, y) -> order.indexOf(x.key()) - order.indexOf(y.key()));
    updates.forEach(r -> out.add("set " + r.key()));
    model.inserts().forEach(r -> out.add("set " + r.key()));
    return out;
  }

  private static boolean cnameAtManagedName(RrsetDiff model, Set<RrsetRow.Key> managed) {
    Set<String> names = new HashSet<>();
    managed.forEach(k -> names.add(k.name()));
    return java.util.stream.Stream.concat(model.inserts().stream(), model.updates().stream())
        .anyMatch(r -> r.type().equals("CNAME") && names.contains(r.name()));
  }

  /**
   * A valid zone whose records come in random order: the SOA (random serial, sometimes another
   * refresh), NS, and for each name a random set of rrsets of a few records each (some repeated,
   * with differing TTLs), some given as empty rrsets, and now and then a CNAME alone at its name.
   */
  private static String zone(Random rnd) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "@ SOA ns1 hostmaster "
            + rnd.nextInt(1_000)
            + (rnd.nextInt(6) == 0 ? " 3600" : " 7200")
            + " 3600 1209600 60");
    lines.add("@ NS ns1");
    if (rnd.nextBoolean()) {
      lines.add("@ 60 NS ns2.example.net.");
    }
    List<String> empties = new ArrayList<>();
    for (String name : NAMES) {
      if (rnd.nextInt(10) == 0 && !name.startsWith("_")) {
        lines.add(name + " CNAME a");
        continue;
      }
      for (Map.Entry<String, List<String>> type : new java.util.TreeMap<>(RDATA).entrySet()) {
        int pick = rnd.nextInt(6);
        if (pick < 2) {
          continue;
        }
        if (pick == 2) {
          empties.add(ZoneFileParser.EMPTY_MARKER + name + "." + ZONE + " 60 " + type.getKey());
          continue;
        }
        int records = 1 + rnd.nextInt(3);
        for (int i = 0; i < records; i++) {
          List<String> pool = type.getValue();
          String line =
              name
                  + (rnd.nextInt(4) == 0 ? " 60 " : " ")
                  + type.getKey()
                  + " "
                  + pool.get(rnd.nextInt(pool.size()));
          lines.add(line);
          if (rnd.nextInt(5) == 0) {
            lines.add(line);
          }
        }
      }
    }
    Collections.shuffle(lines, rnd);
    StringBuilder z = new StringBuilder("$ORIGIN " + ZONE + "\n$TTL 300\n");
    lines.forEach(l -> z.append(l).append('\n'));
    empties.forEach(l -> z.append(l).append('\n'));
    return z.toString();
  }

  private Map<RrsetRow.Key, RrsetRow> rows() throws SQLException {
    try (Connection c = db.connect()) {
      return ZoneReader.rrsets(c, ZoneReader.zoneId(c, ZONE).orElseThrow());
    }
  }

  private List<String> changesSince(long seq) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT op, name, type FROM change_log WHERE seq > ? ORDER BY seq")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
      }
    }
    return out;
  }
}
