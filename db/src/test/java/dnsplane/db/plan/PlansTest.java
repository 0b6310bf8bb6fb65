package dnsplane.db.plan;

import static dnsplane.db.testing.Sql.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one plan reader and writer: what the planner inserts is exactly what every reader gets. */
@RequiresPostgres
class PlansTest {

  private TestDb db;
  private Transactions tx;

  @BeforeEach
  void fresh() throws Exception {
    db = TestPostgres.freshDatabase();
    tx = Transactions.over(db.dataSource());
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO zone (name) VALUES ('aws.test.')");
    }
  }

  @Test
  void anInsertedPlanReadsBackEntryForEntryIncludingHeldFamiliesAndDeletions() throws Exception {
    PlanEntryRow web =
        new PlanEntryRow(
            0,
            "web.aws.test.",
            60,
            true,
            List.of(
                new PlanAddressRow("192.0.2.10", 100, "az-a"),
                new PlanAddressRow("2001:db8::10", 50, null)),
            Set.of("A"),
            List.of(new PlanAddressRow("198.51.100.7", 100, "az-b")),
            false);
    PlanEntryRow gone =
        new PlanEntryRow(0, "gone.aws.test.", 30, false, List.of(), Set.of(), List.of(), true);
    PlanEntryRow empty =
        new PlanEntryRow(0, "empty.aws.test.", 30, false, List.of(), Set.of(), List.of(), false);

    long g =
        tx.write(c -> PlanInserts.insert(c, "test \"quoted\" reason", List.of(web, gone, empty)));

    PlanRow read = tx.snapshot(c -> Plans.get(c, g)).orElseThrow();
    assertEquals("test \"quoted\" reason", read.reason());
    assertEquals(
        List.of("empty.aws.test.", "gone.aws.test.", "web.aws.test."),
        read.entries().stream().map(PlanEntryRow::endpoint).toList());
    PlanEntryRow w = read.entries().get(2);
    assertEquals(web.addresses(), w.addresses());
    assertEquals(web.held(), w.held());
    assertEquals(Set.of("A"), w.failOpenFamilies());
    assertEquals(g, w.generation());
    assertTrue(read.entries().get(1).deleted());
    assertEquals(List.of(), read.entries().get(0).addresses());
    assertEquals(Optional.of(g), tx.read(Plans::newestGeneration));
    assertEquals(Set.of(g), tx.read(Plans::generations));
    assertEquals(g, tx.read(Plans::latest).orElseThrow().generation());
  }

  @Test
  void readingAPlanInATransactionLeavesTheCallersJitSettingAsItWas() throws Exception {
    PlanEntryRow web =
        new PlanEntryRow(
            0,
            "web.aws.test.",
            60,
            false,
            List.of(new PlanAddressRow("192.0.2.10", 100, "az-a")),
            Set.of(),
            List.of(),
            false);
    long g = tx.write(c -> PlanInserts.insert(c, "r", List.of(web)));
    for (String before : List.of("on", "off")) {
      String after =
          tx.write(
              c -> {
                exec(c, "SET LOCAL jit = " + before);
                assertEquals(
                    List.of("web.aws.test."),
                    Plans.get(c, g).orElseThrow().entries().stream()
                        .map(PlanEntryRow::endpoint)
                        .toList());
                return dnsplane.db.testing.Sql.text(c, "SELECT current_setting('jit')");
              });
      assertEquals(before, after);
    }
    // Outside a transaction (auto-commit) the read needs no setting at all.
    try (Connection c = db.connect()) {
      assertEquals(1, Plans.get(c, g).orElseThrow().entries().size());
    }
  }

  @Test
  void anElementWithoutAnAddressIsReadAsItsJsonTextSoValidatingReadersRejectIt() throws Exception {
    // A buggy planner's entry, written in the plan's own transaction (plans are immutable after).
    long g =
        tx.write(
            c -> {
              long gen = PlanInserts.insert(c, "r", List.of());
              exec(
                  c,
                  "INSERT INTO plan_entry (generation, endpoint, ttl, addresses) VALUES (?,"
                      + " 'odd.aws.test.', 60, '[{\"addr\": \"192.0.2.1\"}, {\"address\":"
                      + " \"192.0.2.2\"}]')",
                  gen);
              return gen;
            });
    List<PlanAddressRow> read =
        tx.snapshot(c -> Plans.get(c, g)).orElseThrow().entries().get(0).addresses();
    assertEquals(2, read.size());
    assertEquals("{\"addr\": \"192.0.2.1\"}", read.get(0).address());
    assertEquals("192.0.2.2", read.get(1).address());
  }

  @Test
  void newestListsPlansNewestFirstAndAMissingPlanIsEmpty() throws Exception {
    long a = tx.write(c -> PlanInserts.insert(c, "a", List.of()));
    long b = tx.write(c -> PlanInserts.insert(c, "b", List.of()));
    assertEquals(
        List.of(b, a), tx.read(c -> Plans.newest(c, 5)).stream().map(PlanRow::generation).toList());
    assertEquals(Optional.empty(), tx.read(c -> Plans.get(c, b + 100)));
  }

  @Test
  void jsonStringsEscapeQuotesBackslashesAndControlCharacters() {
    assertEquals(
        "{\"address\":\"a\\\"b\\\\c\\n\\u0001\",\"weight\":1,\"az\":null}",
        new PlanAddressRow("a\"b\\c\n\u0001", 1, null).toJson());
  }
}
