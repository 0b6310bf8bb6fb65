package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.store.RrsetStore;
import dnsplane.enactor.store.ZoneIndex;
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
    return new Enactor(new EnactorSettings(az, mode, keep, 1000, 5), s.pool, new Faults(),
        new EnactorMetrics(), null);
  }

  static String rdata(Stack s, String name, String type) throws Exception {
    try (Connection c = s.db.connect();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT rdata::text FROM rrset WHERE name = '" + name
            + "' AND type = '" + type + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static PlanEntry entry(long g, String endpoint, String... addresses) {
    return new PlanEntry(g, endpoint, 60,
        java.util.Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  @Test
  void sqlCompareAndSetRefusesAStaleWriteEvenWhenTheRuleIsBypassed() throws Exception {
    try (Stack s = new Stack(List.of(Y), false);
        Connection c = s.db.connect()) {
      RrsetStore store = new RrsetStore();
      ZoneIndex zones = ZoneIndex.load(c);
      assertEquals(Set.of(Y), store.write(c, Mode.SAFE, List.of(entry(5, Y, "192.0.2.5")), zones));
      assertEquals(Set.of(), store.write(c, Mode.SAFE, List.of(entry(3, Y, "192.0.2.3")), zones));
      assertEquals("{192.0.2.5}", rdata(s, Y, "A"));
      assertEquals("{\"\\\"5\\\"\"}", rdata(s, "_plan." + Y, "TXT"));
      assertEquals(Set.of(Y), store.write(c, Mode.LEGACY, List.of(entry(3, Y, "192.0.2.3")), zones));
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

  @Test
  void ipv4OnlyEntryEmptiesTheAaaaRrsetAndAuthdnsAnswersNodata() throws Exception {
    try (Stack s = new Stack(List.of(Y), true)) {
      Enactor a = enactor(s, "az-a", Mode.SAFE, 3);
      s.publish(Map.of(Y, List.of("192.0.2.1", "2001:db8::1")));
      a.applyOnce();
      assertEquals("{2001:db8::1}", rdata(s, Y, "AAAA"));
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      assertEquals(1, a.applyOnce().writes().written());
      assertEquals("{}", rdata(s, Y, "AAAA"));
      assertEquals("{192.0.2.2}", rdata(s, Y, "A"));
      s.served(Y);
      Message m = s.query(Y, Type.AAAA);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty());
      assertEquals(1, s.query(Y, Type.A).getSection(Section.ANSWER).size());
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
      assertTrue(s.count("SELECT count(*) FROM audit_log WHERE action = 'cleanup_keep_referenced'"
          + " AND generation = " + g1) > 0);

      Enactor legacy = enactor(s, "az-b", Mode.LEGACY, 1);
      legacy.applyOnce();
      assertFalse(s.planExists(g1), "legacy deletes a referenced plan");
      assertEquals("{}", rdata(s, X, "A"), "and then empties the endpoint that held it");
      assertEquals(1, s.audited("az-b", "cleanup_clear", X));

      s.served(X);
      Verifier v = new Verifier(s.authdns.dnsAddress(), Duration.ofMillis(300));
      assertInstanceOf(VerifyVerdict.Empty.class, v.verify(entry(g1, X, "198.51.100.1")));
      assertInstanceOf(VerifyVerdict.Older.class, v.verify(entry(g3 + 5, Y, "192.0.2.3")));
      assertInstanceOf(VerifyVerdict.Ok.class, v.verify(entry(g3, Y, "192.0.2.3")));
    }
  }

  @Test
  void safeVerifiesOverDnsAfterApplyingAndAlarmsWhenAuthdnsDoesNotAnswer() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      Enactor good = new Enactor(new EnactorSettings("az-a", Mode.SAFE, 3, 1000, 5), s.pool,
          new Faults(), new EnactorMetrics(), new Verifier(s.authdns.dnsAddress(),
              Duration.ofSeconds(5)));
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      assertEquals(0, good.applyOnce().verificationAlarms());
      assertEquals(0, good.metrics().verificationFailures());

      java.net.InetSocketAddress nobody;
      try (java.net.DatagramSocket free = new java.net.DatagramSocket(0,
          java.net.InetAddress.getLoopbackAddress())) {
        nobody = new java.net.InetSocketAddress("127.0.0.1", free.getLocalPort());
      }
      Enactor blind = new Enactor(new EnactorSettings("az-b", Mode.SAFE, 3, 1000, 5), s.pool,
          new Faults(), new EnactorMetrics(), new Verifier(nobody, Duration.ofMillis(200)));
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
      assertEquals(1, s.count("SELECT count(*) FROM audit_log WHERE action = 'guard_refused'"
          + " AND generation = " + g1 + " AND endpoint IS NULL"));
    }
  }
}
