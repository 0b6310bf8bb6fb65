package dnsplane.enactor.apply;

import static dnsplane.enactor.apply.EnactorDbTest.X;
import static dnsplane.enactor.apply.EnactorDbTest.Y;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.verify.Verifier;
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

/**
 * Deleting an endpoint, against real Postgres and authdns: safe mode unpublishes it through a plan
 * (tombstones with the plan's generation) and refuses a deletion entry for a live endpoint; legacy
 * is not left stuck on the tombstones once their plan is cleaned up. The fixture helpers are {@link
 * EnactorDbTest}'s.
 */
@RequiresPostgres
class DeletionDbTest {

  @Test
  void safeUnpublishesADeletedEndpointWithThePlansGeneration() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      s.targets(Y, "192.0.2.1", "2001:db8::1");
      Enactor a =
          new Enactor(
              new EnactorSettings("az-a", Mode.SAFE, 3, 1000, 5),
              s.pool,
              new Faults(),
              new EnactorMetrics(),
              new Verifier(s.authdns.dnsAddress(), Duration.ofSeconds(5)));
      long g1 =
          s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1", "2001:db8::1")));
      a.applyOnce();
      // The operator deletes Y: the planner marks it deleted and publishes a deletion entry.
      s.sql("UPDATE endpoint SET deleted_at = now() WHERE name = '" + Y + "'");
      long g2 = s.publish(Map.of(X, List.of("198.51.100.2")), Set.of(Y));
      ApplyReport r = a.applyOnce();
      for (String[] rr :
          List.of(
              new String[] {Y, "A"},
              new String[] {Y, "AAAA"},
              new String[] {"_plan." + Y, "TXT"})) {
        assertEquals(
            "{}",
            EnactorDbTest.rdata(s, rr[0], rr[1]),
            rr[0] + " " + rr[1] + " (" + r.writes() + ")");
        assertEquals(
            String.valueOf(g2), EnactorDbTest.generationOf(s, rr[0], rr[1]), rr[0] + " " + rr[1]);
      }
      assertEquals(1, s.audited("az-a", "unpublish", Y));
      assertEquals(1, r.writes().unpublished());
      assertEquals(1, r.writes().written(), "X");
      assertEquals(1, a.metrics().unpublished());
      assertEquals(0, r.verificationAlarms(), "an unpublished endpoint is not an alarm");
      s.served(Y);
      Message m = s.query(Y, Type.A);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty());

      // A delayed enactor still holding plan g1 cannot bring Y back.
      List<PlanEntry> old = new PlanStore(s.pool).load(g1).orElseThrow().entries();
      ZoneIndex zones;
      try (Connection c = s.db.connect()) {
        zones = ZoneIndex.load(c);
      }
      RrsetWriter.Result late =
          new RrsetWriter("az-c", s.pool, new Faults(), 1000).write(Mode.SAFE, old, zones);
      assertEquals(2, late.tally().stale());
      assertEquals("{}", EnactorDbTest.rdata(s, Y, "A"));
    }
  }

  @Test
  void safeRefusesADeletionEntryForALiveEndpointWithTargetsLegacyAppliesIt() throws Exception {
    try (Stack s = new Stack(List.of(Y), false)) {
      s.targets(Y, "192.0.2.1");
      s.publish(Map.of(Y, List.of("192.0.2.1")));
      EnactorDbTest.enactor(s, "az-a", Mode.SAFE, 3).applyOnce();
      // A buggy planner deletes an endpoint the operator never deleted.
      long g2 = s.publish(Map.of(), Set.of(Y));
      EnactorDbTest.enactor(s, "az-b", Mode.SAFE, 3).applyOnce();
      assertEquals("{192.0.2.1}", EnactorDbTest.rdata(s, Y, "A"));
      assertEquals(1, s.audited("az-b", "empty_family_rejected", Y));

      EnactorDbTest.enactor(s, "az-c", Mode.LEGACY, 3).applyOnce();
      assertEquals("{}", EnactorDbTest.rdata(s, Y, "A"), "legacy applies what the plan says");
      assertEquals("{}", EnactorDbTest.rdata(s, "_plan." + Y, "TXT"));
      assertEquals(String.valueOf(g2), EnactorDbTest.generationOf(s, Y, "A"));
      assertEquals(1, s.audited("az-c", "unpublish", Y));
    }
  }

  @Test
  void legacyIsNotStuckOnTheTombstonesOfADeletedEndpointOnceTheirPlanIsCleanedUp()
      throws Exception {
    try (Stack s = new Stack(List.of(X, Y), false)) {
      Enactor legacy = EnactorDbTest.enactor(s, "az-a", Mode.LEGACY, 1);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of("192.0.2.1")));
      legacy.applyOnce();
      s.sql("UPDATE endpoint SET deleted_at = now() WHERE name = '" + Y + "'");
      s.sql("DELETE FROM target WHERE endpoint = '" + Y + "'");
      long g2 = s.publish(Map.of(X, List.of("198.51.100.2")), Set.of(Y));
      legacy.applyOnce();
      assertEquals(String.valueOf(g2), EnactorDbTest.generationOf(s, Y, "A"));
      // A plan without Y: cleanup (keep 1) deletes g2, which Y's tombstones still name.
      long g3 = s.publish(Map.of(X, List.of("198.51.100.3")));
      legacy.applyOnce();
      assertFalse(s.planExists(g2));
      long g4 = s.publish(Map.of(X, List.of("198.51.100.4")));
      ApplyReport r = legacy.applyOnce();
      assertEquals(null, legacy.stuckReason(), "a deleted endpoint is no live state to diff");
      assertEquals(g4, r.generation());
      assertEquals("{198.51.100.4}", EnactorDbTest.rdata(s, X, "A"));
      assertTrue(g3 < g4);
    }
  }
}
