package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.db.zone.RrsetRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * A zone import leaves plan-managed rrsets (rows with an applied generation, and the A, AAAA and
 * {@code _plan} TXT rrsets of every endpoint) alone and reports them; everything else in the file
 * is still imported.
 */
@RequiresPostgres
class ManagedImportTest {

  static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   203.0.113.80
      """;
  static final String DDB = "dynamodb.us-east-1.aws.test.";
  static final String LAMBDA = "lambda.us-east-1.aws.test.";

  /** The safe enactor's compare-and-set write of one rrset (enactor RrsetStore, safe mode). */
  private static final String CAS_WRITE =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
          + " SELECT id, ?, ?, 60, ?::text[], ? FROM zone WHERE name = 'aws.test.'"
          + " ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = EXCLUDED.ttl,"
          + " rdata = EXCLUDED.rdata, applied_generation = EXCLUDED.applied_generation,"
          + " version = rrset.version + 1, updated_at = now()"
          + " WHERE rrset.applied_generation IS NULL"
          + " OR rrset.applied_generation < EXCLUDED.applied_generation";

  private TestDb db;

  @BeforeEach
  void freshDatabase() throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
  }

  @Test
  void aManagedRrsetListedWithOtherAddressesIsLeftAloneAndReported() throws Exception {
    endpoint(DDB, true);
    enact(DDB, 7, List.of("192.0.2.10", "192.0.2.11"), List.of());
    Row before = row(DDB, "A");

    ImportResult r =
        ZoneImporter.importText(
            db.settings(),
            ZONE.replace("203.0.113.80", "203.0.113.81")
                + "dynamodb.us-east-1 60 A 192.0.2.99\n"
                + "new  A 198.51.100.30\n",
            null);

    assertEquals(before, row(DDB, "A"), "the managed rrset is untouched");
    assertEquals(List.of("198.51.100.30"), row("new.aws.test.", "A").rdata(), "unmanaged inserted");
    assertEquals(List.of("203.0.113.81"), row("www.aws.test.", "A").rdata(), "unmanaged updated");
    assertEquals(1, r.inserted(), r.toString());
    assertEquals(1, r.updated(), r.toString());
    assertEquals(0, r.deleted(), r.toString());
    // The file also omits the AAAA and _plan TXT rrsets the plan wrote: left alone too.
    assertEquals(
        "left 3 plan-managed rrsets alone: _plan." + DDB + " TXT, " + DDB + " A, " + DDB + " AAAA",
        r.leftAloneSummary());
  }

  @Test
  void aManagedRrsetMissingFromTheFileIsNotDeleted() throws Exception {
    endpoint(DDB, true);
    enact(DDB, 7, List.of("192.0.2.10"), List.of("2001:db8::10"));
    Row a = row(DDB, "A");
    Row aaaa = row(DDB, "AAAA");
    Row marker = row("_plan." + DDB, "TXT");

    ImportResult r =
        ZoneImporter.importText(db.settings(), ZONE.replace("203.0.113.80", "203.0.113.81"), null);

    assertEquals(a, row(DDB, "A"));
    assertEquals(aaaa, row(DDB, "AAAA"));
    assertEquals(marker, row("_plan." + DDB, "TXT"));
    assertEquals(List.of("203.0.113.81"), row("www.aws.test.", "A").rdata());
    assertEquals(1, r.updated(), r.toString());
    assertEquals(0, r.deleted(), r.toString());
    assertEquals(
        List.of(
            new RrsetRow.Key("_plan." + DDB, "TXT"),
            new RrsetRow.Key(DDB, "A"),
            new RrsetRow.Key(DDB, "AAAA")),
        r.leftAlone());
    assertTrue(r.leftAloneSummary().startsWith("left 3 plan-managed rrsets alone: "), r.toString());
  }

  /**
   * The scenario: an export taken at generation 5, re-imported after generation 6 was
   * applied, must not roll the endpoint back (safe enactors would then skip it, the generation
   * being unchanged) nor resurrect the AAAA that generation 6 emptied.
   */
  @Test
  void reimportingAnOldExportRollsNothingBack() throws Exception {
    endpoint(DDB, true);
    enact(DDB, 5, List.of("192.0.2.10", "192.0.2.11"), List.of("2001:db8::10"));
    String old = ZoneExporter.export(db.settings(), Name.fromString("aws.test."));
    assertTrue(old.contains("192.0.2.11"), old);
    enact(DDB, 6, List.of("192.0.2.10", "192.0.2.12"), List.of());
    Row a = row(DDB, "A");
    Row aaaa = row(DDB, "AAAA");
    Row marker = row("_plan." + DDB, "TXT");

    ImportResult r = ZoneImporter.importText(db.settings(), old, null);

    assertEquals(a, row(DDB, "A"), "no rollback to generation 5's addresses");
    assertEquals(aaaa, row(DDB, "AAAA"), "the emptied AAAA stays a tombstone");
    assertEquals(marker, row("_plan." + DDB, "TXT"));
    assertEquals(6L, row(DDB, "A").generation());
    assertEquals(0, r.written(), r.toString());
    assertEquals(3, r.leftAlone().size(), r.leftAlone().toString());
    // A delayed enactor applying generation 5 now loses the compare-and-set.
    assertEquals(0, enact(DDB, 5, List.of("192.0.2.11"), List.of()));
    assertEquals(List.of("192.0.2.10", "192.0.2.12"), row(DDB, "A").rdata());
  }

  /**
   * An export from before an endpoint's first plan, re-imported later, must not delete its rrsets:
   * the deletion would erase their generation, and a delayed stale write would then be a plain
   * INSERT that wins. (Unguarded, so the database's non-empty guard does not stop it either.)
   */
  @Test
  void reimportingAnExportFromBeforeThePlanDeletesNothingSoAStaleWriteStillLoses()
      throws Exception {
    String before = ZoneExporter.export(db.settings(), Name.fromString("aws.test."));
    endpoint(LAMBDA, false);
    enact(LAMBDA, 5, List.of("192.0.2.20"), List.of());
    enact(LAMBDA, 6, List.of("192.0.2.21"), List.of());

    ImportResult r = ZoneImporter.importText(db.settings(), before, null);

    assertEquals(0, r.deleted(), r.toString());
    assertEquals(6L, row(LAMBDA, "A").generation());
    assertEquals(0, enact(LAMBDA, 5, List.of("192.0.2.20"), List.of()), "stale write refused");
    assertEquals(List.of("192.0.2.21"), row(LAMBDA, "A").rdata());
    assertTrue(r.leftAlone().contains(new RrsetRow.Key(LAMBDA, "A")), r.toString());
  }

  /** Before the first plan write an endpoint's rrsets are the plan's: an import cannot pre-empt. */
  @Test
  void anEndpointsRrsetsAreNotImportedBeforeItsFirstPlan() throws Exception {
    endpoint(DDB, false);

    ImportResult r =
        ZoneImporter.importText(
            db.settings(),
            ZONE
                + "dynamodb.us-east-1 60 A 192.0.2.99\n"
                + "_plan.dynamodb.us-east-1 60 TXT \"generation 1\"\n"
                + "other 60 A 198.51.100.1\n",
            null);

    assertNull(row(DDB, "A"));
    assertNull(row("_plan." + DDB, "TXT"));
    assertNotNull(row("other.aws.test.", "A"), "an unmanaged name is imported");
    assertEquals(1, r.inserted(), r.toString());
    assertEquals(
        List.of(new RrsetRow.Key("_plan." + DDB, "TXT"), new RrsetRow.Key(DDB, "A")),
        r.leftAlone());
  }

  /** A CNAME owns its name; where plan-managed rrsets live, the import is refused as a whole. */
  @Test
  void aCnameAtAnEndpointsNameIsRefusedAndNothingChanges() throws Exception {
    endpoint(DDB, true);
    enact(DDB, 7, List.of("192.0.2.10"), List.of());
    Row a = row(DDB, "A");

    ZoneFileException e =
        assertThrows(
            ZoneFileException.class,
            () ->
                ZoneImporter.importText(
                    db.settings(),
                    ZONE.replace("203.0.113.80", "203.0.113.81")
                        + "dynamodb.us-east-1 60 CNAME www\n",
                    null));

    assertTrue(e.getMessage().contains(DDB + " has a CNAME"), e.getMessage());
    assertEquals(a, row(DDB, "A"));
    assertNull(row(DDB, "CNAME"));
    assertEquals(List.of("203.0.113.80"), row("www.aws.test.", "A").rdata(), "nothing changed");
  }

  @Test
  void theSummaryNamesTenAndCountsTheRest() {
    List<RrsetRow.Key> keys =
        java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> new RrsetRow.Key("e" + i + ".aws.test.", "A"))
            .toList();
    ImportResult r = new ImportResult("aws.test.", false, 0, 0, 0, 4, 4, keys);
    assertTrue(
        r.leftAloneSummary().startsWith("left 12 plan-managed rrsets alone: e0.aws.test. A, "),
        r.leftAloneSummary());
    assertTrue(r.leftAloneSummary().endsWith("e9.aws.test. A, and 2 more"), r.leftAloneSummary());
    assertEquals(
        "", new ImportResult("aws.test.", false, 0, 0, 0, 4, 4, List.of()).leftAloneSummary());
  }

  /** A, AAAA and the _plan TXT of one endpoint, as the safe enactor writes them; rows written. */
  private int enact(String endpoint, long generation, List<String> v4, List<String> v6)
      throws SQLException {
    int written = 0;
    written += write(endpoint, "A", v4, generation);
    written += write(endpoint, "AAAA", v6, generation);
    String marker = "\"generation " + generation + "\"";
    written += write("_plan." + endpoint, "TXT", List.of(marker), generation);
    return written;
  }

  private int write(String name, String type, List<String> rdata, long generation)
      throws SQLException {
    return exec(db, CAS_WRITE, name, type, rdata.toArray(new String[0]), generation);
  }

  private void endpoint(String name, boolean guarded) throws SQLException {
    assertEquals(
        1,
        exec(
            db,
            "INSERT INTO endpoint (name, zone_id, guarded)"
                + " SELECT ?, id, ? FROM zone WHERE name = 'aws.test.'",
            name,
            guarded));
  }

  /** One stored rrset row as it matters here. */
  record Row(List<String> rdata, Long generation, long version, long id) {}

  private Row row(String name, String type) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT rdata, applied_generation, version, id FROM rrset"
                    + " WHERE name = ? AND type = ?")) {
      ps.setString(1, name);
      ps.setString(2, type);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        List<String> rdata =
            Arrays.stream((Object[]) rs.getArray(1).getArray())
                .map(String.class::cast)
                .sorted()
                .toList();
        long g = rs.getLong(2);
        Long generation = rs.wasNull() ? null : g;
        Row r = new Row(rdata, generation, rs.getLong(3), rs.getLong(4));
        assertFalse(rs.next());
        return r;
      }
    }
  }
}
