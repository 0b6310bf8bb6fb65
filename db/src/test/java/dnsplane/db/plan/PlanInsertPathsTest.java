package dnsplane.db.plan;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static dnsplane.db.testing.Sql.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The plan insert's paths write the same rows: the COPY of {@link PlanInserts#insert}, the unnest()
 * statement it replaced ({@link PlanInserts#insertEntriesByUnnest}) and the server-side carry-over
 * of {@link PlanInserts#insertCarrying}. Rows are compared column by column as PostgreSQL stores
 * them. A plan any path cannot write completely stores nothing.
 */
@RequiresPostgres
class PlanInsertPathsTest {

  /** Characters COPY's text format or JSON must escape, and some that need neither. */
  private static final String[] ODD = {"\\", "\t", "\n", "\r", "\"", "é", "😀", "\u0001", "\\N"};

  private TestDb db;
  private Transactions tx;

  @BeforeEach
  void fresh() throws Exception {
    db = TestPostgres.freshDatabase();
    tx = Transactions.over(db.dataSource());
  }

  @Test
  void copyWritesExactlyTheRowsTheUnnestInsertWrites() throws Exception {
    List<PlanEntryRow> entries = entries(new Random(13), 3000);
    long copied =
        tx.write(
            c -> {
              // The COPY path is only taken on PostgreSQL's own connection: make sure it is.
              assertTrue(c.isWrapperFor(PGConnection.class));
              return PlanInserts.insert(c, "copy", entries);
            });
    long unnested =
        tx.write(
            c -> {
              long g = head(c);
              PlanInserts.insertEntriesByUnnest(c, g, entries);
              return g;
            });
    assertEquals(3000, rows(copied).size());
    assertEquals(rows(unnested), rows(copied));
  }

  @Test
  void carriedEntriesAreExactlyTheRowsAFullInsertWrites() throws Exception {
    Random random = new Random(29);
    List<PlanEntryRow> first = entries(random, 2000);
    long from = tx.write(c -> PlanInserts.insert(c, "first", first));
    // The next plan: most entries unchanged (carried), some changed, some new (sent).
    List<PlanEntryRow> next = new ArrayList<>();
    List<String> carried = new ArrayList<>();
    List<PlanEntryRow> fresh = new ArrayList<>();
    List<PlanEntryRow> changes = entries(random, 2300);
    for (int i = 0; i < 2300; i++) {
      PlanEntryRow e;
      if (i < 2000 && random.nextInt(10) > 0) {
        e = first.get(i);
        carried.add(e.endpoint());
      } else {
        PlanEntryRow c = changes.get(i);
        String name = i < 2000 ? first.get(i).endpoint() : "new" + i + ".aws.test.";
        e =
            new PlanEntryRow(
                0,
                name,
                c.ttl(),
                c.failOpen(),
                c.addresses(),
                c.failOpenFamilies(),
                c.held(),
                c.deleted());
        fresh.add(e);
      }
      next.add(e);
    }
    assertTrue(carried.size() > 1500 && fresh.size() > 400);
    long carrying = tx.write(c -> PlanInserts.insertCarrying(c, "next", from, carried, fresh));
    long full = tx.write(c -> PlanInserts.insert(c, "next, in full", next));
    assertEquals(2300, rows(carrying).size());
    assertEquals(rows(full), rows(carrying));
    // What every reader gets is the same too.
    assertEquals(
        tx.snapshot(c -> Plans.get(c, full)).orElseThrow().entries().stream()
            .map(PlanInsertPathsTest::withoutGeneration)
            .toList(),
        tx.snapshot(c -> Plans.get(c, carrying)).orElseThrow().entries().stream()
            .map(PlanInsertPathsTest::withoutGeneration)
            .toList());
  }

  /**
   * The caller that knows plan {@code from}'s other endpoints names those instead: a heartbeat no
   * name at all, a change only the changed and the dropped. The rows are the same as ever.
   */
  @Test
  void carryingAllButTheNamesNotCarriedWritesTheRowsAFullInsertWrites() throws Exception {
    Random random = new Random(31);
    List<PlanEntryRow> first = entries(random, 2000);
    long from = tx.write(c -> PlanInserts.insert(c, "first", first));
    List<PlanEntryRow> changes = entries(random, 2000);
    List<PlanEntryRow> next = new ArrayList<>();
    List<String> carried = new ArrayList<>();
    List<String> notCarried = new ArrayList<>();
    List<PlanEntryRow> fresh = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      PlanEntryRow e = first.get(i);
      if (i % 7 == 3) {
        notCarried.add(e.endpoint()); // no longer planned
      } else if (i % 10 == 4) {
        PlanEntryRow c = changes.get(i);
        PlanEntryRow changed =
            new PlanEntryRow(
                0,
                e.endpoint(),
                c.ttl() + 1,
                c.failOpen(),
                c.addresses(),
                c.failOpenFamilies(),
                c.held(),
                c.deleted());
        notCarried.add(e.endpoint());
        fresh.add(changed);
        next.add(changed);
      } else {
        carried.add(e.endpoint());
        next.add(e);
      }
    }
    long full = tx.write(c -> PlanInserts.insert(c, "next, in full", next));
    long byName = tx.write(c -> PlanInserts.insertCarrying(c, "by name", from, carried, fresh));
    long byExclusion =
        tx.write(c -> PlanInserts.insertCarrying(c, "all but", from, carried, notCarried, fresh));
    assertEquals(next.size(), rows(full).size());
    assertEquals(rows(full), rows(byName));
    assertEquals(rows(full), rows(byExclusion));
    List<String> all = next.stream().map(PlanEntryRow::endpoint).toList();
    long heartbeat =
        tx.write(c -> PlanInserts.insertCarrying(c, "heartbeat", full, all, List.of(), List.of()));
    assertEquals(rows(full), rows(heartbeat));
  }

  @Test
  void aPlanThatWouldMissACarriedEntryStoresNothing() throws Exception {
    List<PlanEntryRow> first = entries(new Random(5), 50);
    long from = tx.write(c -> PlanInserts.insert(c, "first", first));
    List<String> carried = new ArrayList<>(first.stream().map(PlanEntryRow::endpoint).toList());
    carried.add("not-in-the-plan.aws.test.");
    long plansBefore = longValue(db, "SELECT count(*) FROM plan");
    long entriesBefore = longValue(db, "SELECT count(*) FROM plan_entry");
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> tx.write(c -> PlanInserts.insertCarrying(c, "short", from, carried, List.of())));
    assertTrue(e.getMessage().contains("has 50 of the 51 entries"), e.getMessage());
    // Naming the endpoints not carried instead (none): the count tells the same.
    SQLException byExclusion =
        assertThrows(
            SQLException.class,
            () ->
                tx.write(
                    c ->
                        PlanInserts.insertCarrying(
                            c, "short", from, carried, List.of(), List.of())));
    assertTrue(
        byExclusion.getMessage().contains("has 50 of the 51 entries"), byExclusion.getMessage());
    assertEquals(plansBefore, longValue(db, "SELECT count(*) FROM plan"));
    assertEquals(entriesBefore, longValue(db, "SELECT count(*) FROM plan_entry"));
  }

  @Test
  void aLargePlanWithOneBadEntryStoresNothingAndLeavesTheConnectionUsable() throws Exception {
    List<PlanEntryRow> entries = new ArrayList<>(entries(new Random(7), 20_000));
    // Not a canonical name (upper case): plan_entry's CHECK refuses it, at the end of the COPY.
    entries.add(
        new PlanEntryRow(0, "Bad.aws.test.", 60, false, List.of(), Set.of(), List.of(), false));
    long plansBefore = longValue(db, "SELECT count(*) FROM plan");
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      assertThrows(SQLException.class, () -> PlanInserts.insert(c, "bad", entries));
      c.rollback();
      // The connection still works: the failed COPY did not leave it mid-protocol.
      assertEquals("1", text(c, "SELECT 1"));
      c.rollback();
    }
    assertEquals(plansBefore, longValue(db, "SELECT count(*) FROM plan"));
    assertEquals(0, longValue(db, "SELECT count(*) FROM plan_entry"));
  }

  @Test
  void aLargePlanPutsTheCallersWorkMemBack() throws Exception {
    List<PlanEntryRow> entries = entries(new Random(3), 10_000);
    String after =
        tx.write(
            c -> {
              exec(c, "SET LOCAL work_mem = '5MB'");
              PlanInserts.insert(c, "large", entries);
              return text(c, "SELECT current_setting('work_mem')");
            });
    assertEquals("5MB", after);
  }

  private static PlanEntryRow withoutGeneration(PlanEntryRow e) {
    return new PlanEntryRow(
        0,
        e.endpoint(),
        e.ttl(),
        e.failOpen(),
        e.addresses(),
        e.failOpenFamilies(),
        e.held(),
        e.deleted());
  }

  private static long head(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO plan (reason) VALUES ('unnest') RETURNING generation");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A plan's rows as PostgreSQL stores them, every column but the generation, by endpoint. */
  private List<String> rows(long generation) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT endpoint, ttl, fail_open, addresses::text, fail_open_families::text,"
                    + " held::text, deleted FROM plan_entry WHERE generation = ? ORDER BY"
                    + " endpoint")) {
      ps.setLong(1, generation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= 7; i++) {
            b.append(rs.getString(i)).append('|');
          }
          out.add(b.toString());
        }
      }
    }
    return out;
  }

  /** n entries of every kind, some with characters COPY and JSON must escape. */
  private static List<PlanEntryRow> entries(Random random, int n) {
    List<PlanEntryRow> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String odd = random.nextInt(5) == 0 ? ODD[random.nextInt(ODD.length)] : "";
      String name = "ep" + i + odd.toLowerCase(java.util.Locale.ROOT) + ".aws.test.";
      if (random.nextInt(10) == 0) {
        out.add(new PlanEntryRow(0, name, 30, false, List.of(), Set.of(), List.of(), true));
        continue;
      }
      List<PlanAddressRow> addresses = new ArrayList<>();
      int count = random.nextInt(4);
      for (int a = 0; a < count; a++) {
        addresses.add(
            new PlanAddressRow(
                "192.0.2." + random.nextInt(256) + (a == 0 ? odd : ""),
                random.nextInt(1001),
                random.nextInt(6) == 0 ? null : "az-" + odd + (char) ('a' + random.nextInt(3))));
      }
      Set<String> families =
          switch (random.nextInt(4)) {
            case 0 -> Set.of("A");
            case 1 -> Set.of("A", "AAAA");
            default -> Set.of();
          };
      List<PlanAddressRow> held =
          addresses.isEmpty() || random.nextBoolean() ? List.of() : addresses.subList(0, 1);
      out.add(
          new PlanEntryRow(
              0,
              name,
              random.nextInt(3600),
              !families.isEmpty(),
              addresses,
              families,
              held,
              false));
    }
    return out;
  }
}
