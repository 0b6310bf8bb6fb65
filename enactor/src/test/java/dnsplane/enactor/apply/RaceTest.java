package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.verify.Verifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The October 2025 race, deterministically, against real Postgres, a real authdns and three
 * enactors: az-a is delayed on the regional endpoint holding plan 2 while the planner publishes
 * plans 3..6 and az-b applies the newest and cleans up (keep 3, so plan 2 is deleted); then az-a is
 * released. Every step waits on an observable state, never on time.
 */
@RequiresPostgres
class RaceTest {

  static final String DDB = "dynamodb.us-east-1.aws.test.";

  /** Sorts before DDB, so the delayed enactor writes it with plan 2 before it stalls. */
  static final String CF = "cloudfront.aws.test.";

  static final Duration FOREVER = Duration.ofHours(1);
  static final Duration POLL = Duration.ofMillis(200);

  /** The planner's n-th plan: addresses change every plan, so a regression is visible. */
  static Map<String, List<String>> plan(int n) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(CF, List.of("198.51.100." + n));
    m.put(DDB, List.of("192.0.2." + (10 + n), "192.0.2." + (100 + n), "2001:db8::" + n));
    return m;
  }

  /** Runs the schedule up to az-a's release; returns the generations of plans 1..6. */
  static long[] schedule(Stack s) throws Exception {
    long[] g = new long[8];
    Enactor a = s.az("az-a");
    Enactor b = s.az("az-b");
    g[1] = s.publish(plan(1));
    Await.until(
        "all enactors applied plan 1",
        () -> s.enactors.stream().allMatch(e -> Long.valueOf(g[1]).equals(e.lastApplied())));
    assertEquals(g[1], s.served(DDB).generation());
    a.faults().setDelay(DDB, FOREVER);
    g[2] = s.publish(plan(2));
    assertTrue(a.faults().awaitWaitingOn(DDB, Await.DEFAULT_DEADLINE), "az-a never reached " + DDB);
    assertEquals(g[2], a.faults().waiting().generation());
    for (int i = 3; i <= 6; i++) {
      g[i] = s.publish(plan(i));
    }
    Enactor c = s.az("az-c");
    Await.until(
        "az-b and az-c applied plan 6 and cleanup deleted plan 2",
        () ->
            Long.valueOf(g[6]).equals(b.lastApplied())
                && Long.valueOf(g[6]).equals(c.lastApplied())
                && !s.planExists(g[2]));
    Verifier.Observation before = s.served(DDB);
    assertEquals(g[6], before.generation());
    assertEquals(3, before.addresses());
    a.faults().clear();
    return g;
  }

  @Test
  void legacyEmptiesTheEndpointAndEveryEnactorStaysStuckUntilRepair() throws Exception {
    try (Stack s = new Stack(List.of(CF, DDB), false)) {
      s.startEnactors(Mode.LEGACY, 3, POLL);
      try (Checker checker = new Checker(s.dns, DDB)) {
        long[] g = schedule(s);
        Await.until(
            "authdns serves " + DDB + " empty",
            () -> s.served(DDB).rcode() == 0 && s.served(DDB).addresses() == 0);
        Message m = s.query(DDB, Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getSection(Section.ANSWER).isEmpty(), "NOERROR with an empty answer");
        assertEquals(1, s.audited("az-a", "cleanup_clear", DDB));
        Await.until(
            "all three enactors stuck",
            () -> s.enactors.stream().allMatch(e -> e.stuckReason() != null));
        assertTrue(s.az("az-b").stuckReason().contains("deleted plan " + g[2]));

        g[7] = s.publish(plan(7));
        long[] passes = s.enactors.stream().mapToLong(Enactor::passes).toArray();
        Await.until(
            "every enactor looked at plan 7",
            () -> {
              for (int i = 0; i < 3; i++) {
                if (s.enactors.get(i).passes() < passes[i] + 2) {
                  return false;
                }
              }
              return true;
            });
        for (Enactor e : s.enactors) {
          assertNotNull(e.stuckReason(), e.az() + " must stay stuck");
          assertNotEquals(Long.valueOf(g[7]), e.lastApplied(), e.az() + " must not apply plan 7");
        }
        assertEquals(0, s.served(DDB).addresses(), "still empty until repair");

        s.az("az-a").repair(DDB);
        Await.until(
            "repair restores plan 7 and unsticks everyone",
            () ->
                s.enactors.stream().allMatch(e -> e.stuckReason() == null)
                    && s.served(DDB).generation() == g[7]
                    && s.served(DDB).addresses() == 3);
        assertTrue(checker.empty.get() > 0, "the checker must have seen the empty answer");
        System.out.println("race legacy: " + checker.counts());
      }
    }
  }

  @Test
  void safeNeverServesAnEmptyOrOlderAnswer() throws Exception {
    try (Stack s = new Stack(List.of(CF, DDB), false)) {
      s.startEnactors(Mode.SAFE, 3, POLL);
      try (Checker checker = new Checker(s.dns, DDB)) {
        long[] g = schedule(s);
        Await.until(
            "az-a skipped its stale plan and caught up to plan 6",
            () -> Long.valueOf(g[6]).equals(s.az("az-a").lastApplied()));
        assertEquals(1, s.audited("az-a", "stale_skip", DDB));
        assertEquals(
            0,
            s.count(
                "SELECT count(*) FROM audit_log WHERE actor = 'az-a' AND action ="
                    + " 'write' AND endpoint = '"
                    + DDB
                    + "' AND generation = "
                    + g[2]),
            "no stale write");
        Verifier.Observation now = s.served(DDB);
        assertEquals(g[6], now.generation());
        assertEquals(3, now.addresses());
        g[7] = s.publish(plan(7));
        Await.until(
            "everyone applied plan 7",
            () -> s.enactors.stream().allMatch(e -> Long.valueOf(g[7]).equals(e.lastApplied())));
        assertEquals(g[7], s.served(DDB).generation());
        s.enactors.forEach(e -> assertNull(e.stuckReason()));
        assertTrue(checker.queries.get() > 0);
        assertEquals(0, checker.empty.get(), checker.counts());
        assertEquals(0, checker.regressions.get(), checker.counts());
        System.out.println("race safe: " + checker.counts());
      }
    }
  }

  @Test
  void legacyWithDatabaseGuardRefusesTheEmptyWriteAndKeepsTheAddresses() throws Exception {
    try (Stack s = new Stack(List.of(CF, DDB), true)) {
      s.startEnactors(Mode.LEGACY, 3, POLL);
      try (Checker checker = new Checker(s.dns, DDB)) {
        long[] g = schedule(s);
        Await.until(
            "the database guard refused to empty " + DDB,
            () -> s.audited("az-a", "guard_refused", DDB) > 0);
        Verifier.Observation now = s.served(DDB);
        assertEquals(3, now.addresses(), "the endpoint keeps its addresses");
        assertEquals(g[2], now.generation(), "legacy still regressed it to the stale plan 2");
        assertTrue(s.az("az-a").metrics().guardRefusals() > 0);
        Await.until(
            "legacy enactors stuck on the deleted plan",
            () -> s.enactors.stream().allMatch(e -> e.stuckReason() != null));
        g[7] = s.publish(plan(7));
        s.az("az-b").repair(DDB);
        Await.until(
            "repair restores plan 7",
            () -> s.served(DDB).generation() == g[7] && s.served(DDB).addresses() == 3);
        assertEquals(0, checker.empty.get(), checker.counts());
        System.out.println("race legacy+guard: " + checker.counts());
      }
    }
  }
}
