package dnsplane.db.zone;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.changelog.ChangeLogLock;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQL side of a streaming zone import: staging, grouping, the zone-wide facts, the diff. */
@RequiresPostgres
class StagedZoneTest {

  private static final String SOA = "ns1.aws.test. hostmaster.aws.test. 1 7200 3600 1209600 60";

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void freshZone() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = ZoneWriter.createZone(c, "aws.test.");
    }
  }

  @Test
  void theRecordsOfOneRrsetAreGroupedWhereverTheyAreInTheFile() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("www.aws.test.", "A", 300, "192.0.2.2");
        copy.add("aws.test.", "NS", 300, "ns1.aws.test.");
        copy.add("www.aws.test.", "A", 300, "192.0.2.1");
        copy.add("www.aws.test.", "A", 60, "192.0.2.2");
        copy.add("aws.test.", "NS", 300, "ns2.aws.test.");
        copy.add("www.aws.test.", "A", 120, "192.0.2.3");
        copy.finish();
      }
      staged.addEmpty(9, "gone.aws.test.", "AAAA", 30);

      assertEquals(OptionalInt.empty(), staged.group());
      assertEquals(3, staged.rrsetCount());
      assertEquals(5, staged.recordCount());
      ChangeLogLock.take(c);
      staged.diff(zoneId);
      staged.write(zoneId);
      c.commit();

      assertEquals(
          Map.of(
              new RrsetRow.Key("www.aws.test.", "A"),
              new RrsetRow(
                  "www.aws.test.", "A", 60, List.of("192.0.2.2", "192.0.2.1", "192.0.2.3")),
              new RrsetRow.Key("aws.test.", "NS"),
              new RrsetRow("aws.test.", "NS", 300, List.of("ns1.aws.test.", "ns2.aws.test.")),
              new RrsetRow.Key("gone.aws.test.", "AAAA"),
              new RrsetRow("gone.aws.test.", "AAAA", 30, List.of())),
          ZoneReader.rrsets(c, zoneId));
      // Inserted in file order: the rrset of the first record first, the empty ones last.
      assertEquals(
          List.of("www.aws.test.", "aws.test.", "gone.aws.test."),
          List.copyOf(ZoneReader.rrsets(c, zoneId).keySet()).stream()
              .map(RrsetRow.Key::name)
              .toList());
    }
  }

  @Test
  void anEmptyRrsetThatAlsoHasRecordsOrComesTwiceIsNamedByItsFirstLine() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("www.aws.test.", "A", 300, "192.0.2.1");
        copy.finish();
      }
      staged.addEmpty(7, "e.aws.test.", "A", 60);
      staged.addEmpty(8, "www.aws.test.", "AAAA", 60);
      staged.addEmpty(12, "www.aws.test.", "A", 60);
      staged.addEmpty(10, "e.aws.test.", "A", 60);

      assertEquals(OptionalInt.of(10), staged.group());
      c.rollback();
    }
  }

  @Test
  void theZoneWideFactsAreAskedInFileOrder() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("a.aws.test.", "CNAME", 300, "b.aws.test.");
        copy.add("a.aws.test.", "RRSIG", 300, "CNAME 8 3 300 ...");
        copy.add("aws.test.", "SOA", 300, SOA);
        copy.add("c.aws.test.", "CNAME", 300, "x.aws.test.");
        copy.add("c.aws.test.", "CNAME", 300, "y.aws.test.");
        copy.add("d.aws.test.", "TXT", 300, "\"t\"");
        copy.add("sub.aws.test.", "SOA", 300, SOA);
        copy.add("d.aws.test.", "CNAME", 300, "z.aws.test.");
        copy.finish();
      }
      staged.addEmpty(20, "aws.test.", "NS", 300);
      assertEquals(OptionalInt.empty(), staged.group());

      assertEquals(Optional.of("sub.aws.test."), staged.firstOwnerAwayFrom("SOA", "aws.test."));
      assertEquals(2, staged.recordsOfType("SOA"));
      assertEquals(OptionalInt.of(0), staged.recordsAt("aws.test.", "NS"));
      assertEquals(OptionalInt.empty(), staged.recordsAt("aws.test.", "MX"));
      // a: a CNAME and its RRSIG, which is not other data; c: two CNAMEs; d: CNAME beside TXT.
      assertEquals(
          Optional.of(new StagedZone.CnameClash("c.aws.test.", 1, 2)),
          staged.firstCnameClash(List.of("RRSIG", "NSEC", "NSEC3")));
      c.rollback();
    }
  }

  @Test
  void anSoaThatDiffersOnlyInItsSerialIsNotWritten() throws SQLException {
    try (Connection c = db.connect()) {
      RrsetRow soa = new RrsetRow("aws.test.", "SOA", 300, List.of(SOA));
      RrsetRow ns = new RrsetRow("aws.test.", "NS", 300, List.of("ns1.aws.test."));
      Stage.replace(c, zoneId, soa, ns);

      StagedZone.Diff serialOnly =
          Stage.replace(c, zoneId, soa("ns1.aws.test. hostmaster.aws.test. 2024 7200"), ns);
      assertEquals(new StagedZone.Diff(0, 0, 0, 0, List.of()), serialOnly);
      assertEquals(List.of(SOA), ZoneReader.rrsets(c, zoneId).get(soa.key()).rdata());

      StagedZone.Diff refresh =
          Stage.replace(c, zoneId, soa("ns1.aws.test. hostmaster.aws.test. 2024 3600"), ns);
      assertEquals(new StagedZone.Diff(0, 1, 0, 0, List.of()), refresh);
    }
  }

  @Test
  void rdataIsComparedAsASetAndTheTtlWithIt() throws SQLException {
    try (Connection c = db.connect()) {
      Stage.replace(
          c, zoneId, new RrsetRow("a.aws.test.", "A", 60, List.of("192.0.2.1", "192.0.2.2")));
      long log = longValue(c, "SELECT count(*) FROM change_log");

      assertEquals(
          new StagedZone.Diff(0, 0, 0, 0, List.of()),
          Stage.replace(
              c, zoneId, new RrsetRow("a.aws.test.", "A", 60, List.of("192.0.2.2", "192.0.2.1"))));
      assertEquals(log, longValue(c, "SELECT count(*) FROM change_log"));

      // Stored twice over (as an enactor may write it): the file's single copy is an update.
      exec(c, "UPDATE rrset SET rdata = rdata || rdata WHERE name = 'a.aws.test.'");
      assertEquals(
          new StagedZone.Diff(0, 1, 0, 0, List.of()),
          Stage.replace(
              c, zoneId, new RrsetRow("a.aws.test.", "A", 60, List.of("192.0.2.1", "192.0.2.2"))));
      assertEquals(
          new StagedZone.Diff(0, 1, 0, 0, List.of()),
          Stage.replace(
              c, zoneId, new RrsetRow("a.aws.test.", "A", 30, List.of("192.0.2.1", "192.0.2.2"))));
    }
  }

  @Test
  void planManagedRrsetsAreLeftAloneAndListedInNameOrder() throws SQLException {
    try (Connection c = db.connect()) {
      Stage.replace(c, zoneId, new RrsetRow("old.aws.test.", "TXT", 60, List.of("\"o\"")));
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES ('ddb.aws.test.', ?)", zoneId);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " VALUES (?, 'gen.aws.test.', 'TXT', 60, '{\"g\"}', 7)",
          zoneId);
      long log = longValue(c, "SELECT count(*) FROM change_log");

      // The file has the endpoint's A (managed: left alone), lacks gen TXT (managed: kept) and
      // old TXT (deleted), and puts a CNAME where managed rrsets live.
      StagedZone.Diff diff;
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("ddb.aws.test.", "A", 60, "192.0.2.1");
        copy.add("new.aws.test.", "A", 60, "192.0.2.2");
        copy.add("_plan.ddb.aws.test.", "CNAME", 60, "x.aws.test.");
        copy.finish();
      }
      assertEquals(OptionalInt.empty(), staged.group());
      ChangeLogLock.take(c);
      diff = staged.diff(zoneId);
      assertEquals(Optional.of("_plan.ddb.aws.test."), staged.firstCnameWrittenAtManagedName());
      c.rollback();

      assertEquals(2, diff.inserted(), diff.toString());
      assertEquals(1, diff.deleted(), diff.toString());
      assertEquals(1, diff.managedInFile(), diff.toString());
      // Only those the file would have changed: the endpoint's AAAA and _plan TXT are in neither.
      assertEquals(
          List.of(new RrsetRow.Key("ddb.aws.test.", "A"), new RrsetRow.Key("gen.aws.test.", "TXT")),
          diff.leftAlone());
      assertEquals(log, longValue(c, "SELECT count(*) FROM change_log"), "rolled back");
    }
  }

  @Test
  void aCnameWrittenWhereAManagedRrsetLivesIsNamed() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES ('ddb.aws.test.', ?)", zoneId);
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("other.aws.test.", "CNAME", 60, "x.aws.test.");
        copy.add("ddb.aws.test.", "CNAME", 60, "x.aws.test.");
        copy.finish();
      }
      staged.group();
      ChangeLogLock.take(c);
      staged.diff(zoneId);

      assertEquals(Optional.of("ddb.aws.test."), staged.firstCnameWrittenAtManagedName());
      c.rollback();
    }
  }

  @Test
  void aCopyClosedUnfinishedLeavesTheConnectionToRollBack() throws SQLException {
    try (Connection c = db.connect()) {
      assertThrows(IllegalStateException.class, () -> StagedZone.create(c), "needs a transaction");
      c.setAutoCommit(false);
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        copy.add("www.aws.test.", "A", 300, "192.0.2.1");
      }
      c.rollback();
      c.setAutoCommit(true);
      assertEquals(0, longValue(c, "SELECT count(*) FROM rrset"));
      assertTrue(
          longValue(c, "SELECT count(*) FROM pg_class WHERE relname LIKE 'zone_import_%'") == 0,
          "the staging tables are gone with the transaction");
    }
  }

  private static RrsetRow soa(String firstFields) {
    return new RrsetRow("aws.test.", "SOA", 300, List.of(firstFields + " 3600 1209600 60"));
  }
}
