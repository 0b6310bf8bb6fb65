package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.EntryRdata;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.Published;
import dnsplane.enactor.store.RrsetStore;
import dnsplane.enactor.verify.Expectation;
import dnsplane.enactor.verify.Verifier;
import dnsplane.enactor.verify.VerifyVerdict;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The enactor against real Postgres (and authdns where the wire matters), one pass at a time. */
@RequiresPostgres
class EnactorDbTest {

  static final String X = "cloudfront.aws.test.";
  static final String Y = "dynamodb.us-east-1.aws.test.";

  static Enactor enactor(Stack s, String az, Mode mode, int keep) throws Exception {
    return new Enactor(
        new EnactorSettings(az, mode, keep, 1000, 5),
        s.pool,
        new Faults(),
        new EnactorMetrics(),
        null);
  }

  static String rdata(Stack s, String name, String type) throws Exception {
    try (Connection c = s.db.connect();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT rdata::text FROM rrset WHERE name = '"
                    + name
                    + "' AND type = '"
                    + type
                    + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The writes of {@code entries} as if nothing were published yet (the rules bypassed). */
  static List<RrsetStore.Write> writes(Mode mode, PlanEntry... entries) {
    return java.util.Arrays.stream(entries)
        .map(e -> new RrsetStore.Write(e, EntryRdata.of(mode, e, Published.NOTHING)))
        .toList();
  }

  static PlanEntry entry(long g, String endpoint, String... addresses) {
    return new PlanEntry(
        g,
        endpoint,
        60,
        java.util.Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  @Test
  void sqlCompareAndSetRefusesAStaleWriteEvenWhenTheRuleIsBypassed() throws Exception {
    try (Stack s = new Stack(List.of(Y), false);
        Connection c = s.db.connect()) {
      RrsetStore store = new RrsetStore();
      ZoneIndex zones = ZoneIndex.load(c);
      assertEquals(
          Set.of(Y), store.write(c, Mode.SAFE, writes(Mode.SAFE, entry(5, Y, "192.0.2.5")), zones));
      assertEquals(
          Set.of(), store.write(c, Mode.SAFE, writes(Mode.SAFE, entry(3, Y, "192.0.2.3")), zones));
      assertEquals("{192.0.2.5}", rdata(s, Y, "A"));
      assertEquals("{\"\\\"5\\\"\"}", rdata(s, "_plan." + Y, "TXT"));
      assertEquals(
          Set.of(Y),
          store.write(c, Mode.LEGACY, writes(Mode.LEGACY, entry(3, Y, "192.0.2.3")), zones));
      assertEquals("{192.0.2.3}", rdata(s, Y, "A"));
    }
  }

  @Test
  void applyingSamePlanTwiceChangesNothing() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1", "2001:db8::1")));
      ApplyReport first = enactor(s, "az-a", Mode.SAFE, 3).applyOnce();
      assertEquals(2, first.writes().written());
      long changes = s.count("SELECT count(*) FROM change_log");
      long versions = s.count("SELECT sum(version) FROM rrset");
      ApplyReport again = enactor(s, "az-b", Mode.SAFE, 3).applyOnce();
      assertEquals(0, again.writes().written());
      assertEquals(2, again.writes().unchanged());
      assertEquals(changes, s.count("SELECT count(*) FROM change_log"));
      assertEquals(versions, s.count("SELECT sum(version) FROM rrset"));
    }
  }

  static String generationOf(Stack s, String name, String type) throws Exception {
    try (Connection c = s.db.connect();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT applied_generation FROM rrset WHERE name = '"
                    + name
                    + "' AND type = '"
                    + type
                    + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static String auditDetail(Stack s, String action, String endpoint) throws Exception {
    try (Connection c = s.db.connect();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT detail FROM audit_log WHERE action = '"
                    + action
                    + "' AND endpoint = '"
                    + endpoint
                    + "' ORDER BY id DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void safeRefusesAnEntryThatWouldEmptyAFamilyWhileTheEndpointHasTargetsOfIt() throws Exception {
    // Guard off: the enactor must refuse on its own, whatever the database would allow.
    try (Stack s = new Stack(List.of(Y), false)) {
      s.targets(Y, "192.0.2.1", "2001:db8::1");
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      long g1 = s.publish(Map.of(Y, List.of("192.0.2.1", "2001:db8::1")));
      a.applyOnce();
      // A buggy planner drops the IPv6 family although the endpoint still has an IPv6 target.
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      ApplyReport r = a.applyOnce();
      assertEquals(
          "{2001:db8::1}",
          rdata(s, Y, "AAAA"),
          "the AAAA rrset was emptied while " + Y + " has an IPv6 target (" + r.writes() + ")");
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"), "the entry is refused whole");
      assertEquals(String.valueOf(g1), generationOf(s, Y, "AAAA"));
      assertEquals(1, s.audited("az-a", "empty_family_rejected", Y));
      assertTrue(auditDetail(s, "empty_family_rejected", Y).contains("AAAA"));
      assertEquals(1, r.writes().rejectedEmptyFamily());
      assertEquals(1, a.metrics().emptyFamilyRejections());
      s.served(Y);
      assertEquals(1, s.query(Y, Type.AAAA).getSection(Section.ANSWER).size());
      assertEquals(1, s.query(Y, Type.A).getSection(Section.ANSWER).size());
    }
  }

  @Test
  void anEndpointWithNoIpv6TargetLeftGetsAnEmptyAaaaTombstoneAndAuthdnsAnswersNodata()
      throws Exception {
    try (Stack s = new Stack(List.of(Y), true)) {
      s.targets(Y, "192.0.2.1", "2001:db8::1");
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      s.publish(Map.of(Y, List.of("192.0.2.1", "2001:db8::1")));
      a.applyOnce();
      assertEquals("{2001:db8::1}", rdata(s, Y, "AAAA"));
      // The operator removes the IPv6 target; the planner publishes IPv4 only.
      s.sql("DELETE FROM target WHERE endpoint = '" + Y + "' AND family(address) = 6");
      long g2 = s.publish(Map.of(Y, List.of("192.0.2.1")));
      assertEquals(1, a.applyOnce().writes().written());
      assertEquals("{}", rdata(s, Y, "AAAA"));
      assertEquals(String.valueOf(g2), generationOf(s, Y, "AAAA"), "a tombstone keeps the plan");
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"));
      s.served(Y);
      Message m = s.query(Y, Type.AAAA);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty(), "NODATA");
      assertEquals(1, s.query(Y, Type.A).getSection(Section.ANSWER).size());
    }
  }

  @Test
  void safeRejectsAnEntryWithAMalformedAddressWholeAndWritesTheRest() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), false)) {
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      a.applyOnce();
      // "010" is octal to some parsers and decimal to others.
      s.publish(Map.of(X, List.of("198.51.100.2"), Y, List.of("192.0.2.2", "192.0.2.010")));
      ApplyReport r = a.applyOnce();
      assertEquals("{198.51.100.2}", rdata(s, X, "A"), "the rest of the plan is applied");
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"), "the bad entry is rejected whole");
      assertEquals(1, s.audited("az-a", "invalid_entry", Y));
      assertTrue(
          auditDetail(s, "invalid_entry", Y).contains("192.0.2.010"),
          auditDetail(s, "invalid_entry", Y));
      assertEquals(1, r.writes().written());
      assertEquals(1, r.writes().rejectedInvalid());
      assertEquals(1, a.metrics().invalidEntries());
    }
  }

  @Test
  void anAddressElementWithoutAnAddressIsMalformedNotSkipped() throws Exception {
    try (Stack s = new Stack(List.of(Y), false)) {
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      s.publish(Map.of(Y, List.of("192.0.2.1")));
      a.applyOnce();
      s.sql(
          "WITH p AS (INSERT INTO plan (reason) VALUES ('buggy') RETURNING generation) INSERT INTO"
              + " plan_entry (generation, endpoint, ttl, addresses) SELECT generation, '"
              + Y
              + "', 60, '[{\"address\":\"192.0.2.2\"}, {\"weight\":100}]' FROM p");
      ApplyReport r = a.applyOnce();
      assertEquals(1, r.writes().rejectedInvalid(), r.writes().toString());
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"));
      assertTrue(
          auditDetail(s, "invalid_entry", Y).contains("{\"weight\": 100}"),
          auditDetail(s, "invalid_entry", Y));
    }
  }

  @Test
  void legacyWritesAMalformedAddressAndTheDatabaseRefusesThatEntryAlone() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), false)) {
      Enactor a = enactor(s, "az-a", Mode.LEGACY, 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      a.applyOnce();
      s.publish(Map.of(X, List.of("198.51.100.2"), Y, List.of("192.0.2.2", "192.0.2.1:53")));
      ApplyReport r = a.applyOnce();
      assertEquals("{198.51.100.2}", rdata(s, X, "A"), "the rest of the batch is written");
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"));
      assertEquals(1, s.audited("az-a", "invalid_entry", Y));
      assertTrue(
          auditDetail(s, "invalid_entry", Y).contains("rrset_address_rdata_valid"),
          auditDetail(s, "invalid_entry", Y));
      assertEquals(1, r.writes().written());
      assertEquals(1, r.writes().rejectedInvalid());
      assertEquals(1, a.metrics().invalidEntries());
    }
  }

  @Test
  void safeWritesAddressesInCanonicalForm() throws Exception {
    try (Stack s = new Stack(List.of(Y), false)) {
      s.publish(Map.of(Y, List.of("192.0.2.1", "2001:DB8:0:0:0::1")));
      enactor(s, "az-a", Mode.SAFE, 3).applyOnce();
      assertEquals("{2001:db8::1}", rdata(s, Y, "AAAA"));
    }
  }

  @Test
  void safeRejectsAnEmptyEntryAndKeepsThePreviousAddresses() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), false)) {
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      a.applyOnce();
      long g2 = s.publish(Map.of(X, List.of("198.51.100.2"), Y, List.of()));
      ApplyReport r = a.applyOnce();
      assertEquals(1, r.writes().rejectedEmpty());
      assertEquals(1, r.writes().written());
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"));
      assertEquals("{198.51.100.2}", rdata(s, X, "A"));
      assertEquals(1, s.audited("az-a", "empty_rejected", Y));
      assertEquals(1, a.metrics().emptyRejections());
      assertTrue(s.planExists(g2));
    }
  }

  @Test
  void legacyEmptyEntryOnAGuardedEndpointIsACountedGuardRefusalNotACrash() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      Enactor a = enactor(s, "az-a", Mode.LEGACY, 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      a.applyOnce();
      s.publish(Map.of(X, List.of("198.51.100.2"), Y, List.of()));
      ApplyReport r = a.applyOnce();
      assertEquals(1, r.writes().guardRefused());
      assertEquals(1, r.writes().written(), "the rest of the batch is still written");
      assertEquals("{192.0.2.1}", rdata(s, Y, "A"));
      assertEquals("{198.51.100.2}", rdata(s, X, "A"));
      assertEquals(1, s.audited("az-a", "guard_refused", Y));
      assertEquals(1, a.metrics().guardRefusals());
    }
  }

  @Test
  void safeCleanupKeepsAReferencedPlanAndLegacyDeletesItAndEmptiesTheEndpoint() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), false)) {
      long g1 = s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      Enactor safe = enactor(s, "az-a", Mode.SAFE, 1);
      safe.applyOnce();
      long g2 = s.publish(Map.of(Y, List.of("192.0.2.2")));
      long g3 = s.publish(Map.of(Y, List.of("192.0.2.3")));
      ApplyReport r = safe.applyOnce();
      assertEquals(g3, r.generation());
      assertTrue(s.planExists(g1), "X still holds plan 1");
      assertFalse(s.planExists(g2));
      assertTrue(
          s.count(
                  "SELECT count(*) FROM audit_log WHERE action = 'cleanup_keep_referenced'"
                      + " AND generation = "
                      + g1)
              > 0);

      Enactor legacy = enactor(s, "az-b", Mode.LEGACY, 1);
      legacy.applyOnce();
      assertFalse(s.planExists(g1), "legacy deletes a referenced plan");
      assertEquals("{}", rdata(s, X, "A"), "and then empties the endpoint that held it");
      assertEquals(1, s.audited("az-b", "cleanup_clear", X));

      s.served(X);
      Verifier v = new Verifier(s.authdns.dnsAddress(), Duration.ofMillis(300));
      assertInstanceOf(VerifyVerdict.Empty.class, v.verify(new Expectation(X, g1, g1)));
      assertInstanceOf(VerifyVerdict.Older.class, v.verify(new Expectation(Y, g3 + 5, g3 + 5)));
      assertInstanceOf(VerifyVerdict.Ok.class, v.verify(new Expectation(Y, g3, g3)));
    }
  }

  @Test
  void safeVerifiesOverDnsAfterApplyingAndAlarmsWhenAuthdnsDoesNotAnswer() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      Enactor good =
          new Enactor(
              new EnactorSettings("az-a", Mode.SAFE, 3, 1000, 5),
              s.pool,
              new Faults(),
              new EnactorMetrics(),
              new Verifier(s.authdns.dnsAddress(), Duration.ofSeconds(5)));
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      assertEquals(0, good.applyOnce().verificationAlarms());
      assertEquals(0, good.metrics().verificationFailures());

      java.net.InetSocketAddress nobody;
      try (java.net.DatagramSocket free =
          new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
        nobody = new java.net.InetSocketAddress("127.0.0.1", free.getLocalPort());
      }
      Enactor blind =
          new Enactor(
              new EnactorSettings("az-b", Mode.SAFE, 3, 1000, 5),
              s.pool,
              new Faults(),
              new EnactorMetrics(),
              new Verifier(nobody, Duration.ofMillis(200)));
      s.publish(Map.of(X, List.of("198.51.100.2"), Y, List.of("192.0.2.2")));
      assertEquals(1, blind.applyOnce().verificationAlarms(), "one alarm, not one per endpoint");
      assertEquals(1, blind.metrics().verificationFailures());
      assertEquals(1, s.count("SELECT count(*) FROM audit_log WHERE action = 'verify_alarm'"));
    }
  }

  @Test
  void legacyCleanupOfAPlanAGuardedEndpointHoldsIsRefusedByTheDatabase() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      long g1 = s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      Enactor legacy = enactor(s, "az-a", Mode.LEGACY, 1);
      legacy.applyOnce();
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      ApplyReport r = legacy.applyOnce();
      assertEquals(1, r.cleanupGuardRefusals());
      assertTrue(s.planExists(g1), "plan_delete_guard kept the plan X still holds");
      assertEquals("{198.51.100.1}", rdata(s, X, "A"));
      assertEquals(
          1,
          s.count(
              "SELECT count(*) FROM audit_log WHERE action = 'guard_refused'"
                  + " AND generation = "
                  + g1
                  + " AND endpoint IS NULL"));
    }
  }
}
