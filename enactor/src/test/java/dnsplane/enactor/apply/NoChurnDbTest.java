package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.Plan;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.verify.Verifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A plan that changes nothing an endpoint publishes (the planner's heartbeat) must not churn the
 * zone: no change_log row, no SOA serial bump, no NOTIFY; while the generation every rrset holds
 * still advances, so the compare-and-set keeps refusing older plans. Real PostgreSQL (schema V7)
 * and a real in-process authdns.
 */
@RequiresPostgres
class NoChurnDbTest {

  static final String X = "cloudfront.aws.test.";
  static final String Y = "dynamodb.us-east-1.aws.test.";
  static final String A = "192.0.2.1";
  static final String B = "192.0.2.2";
  static final String C = "192.0.2.3";

  static Enactor verifying(Stack s, String az, int keep) throws SQLException {
    return new Enactor(
        new EnactorSettings(az, Mode.SAFE, keep, 1000, 20),
        s.pool,
        new Faults(),
        new EnactorMetrics(),
        new Verifier(s.authdns.dnsAddress(), Duration.ofSeconds(5)));
  }

  static long changeLogRows(Stack s) throws Exception {
    return s.count("SELECT count(*) FROM change_log");
  }

  static long serial(Stack s) throws Exception {
    return s.count("SELECT serial FROM zone WHERE name = 'aws.test.'");
  }

  /** Every rrset of {@code endpoint} (A, AAAA, _plan TXT) holds generation {@code g}. */
  static void allHold(Stack s, String endpoint, long g) throws Exception {
    assertEquals(
        3,
        s.count(
            "SELECT count(*) FROM rrset WHERE applied_generation = "
                + g
                + " AND (name = '"
                + endpoint
                + "' OR name = '_plan."
                + endpoint
                + "')"),
        endpoint + " should hold plan " + g + " in A, AAAA and _plan");
  }

  static String rdata(Stack s, String name, String type) throws Exception {
    return EnactorDbTest.rdata(s, name, type);
  }

  static String marker(long g) {
    return "{\"\\\"" + g + "\\\"\"}";
  }

  @Test
  void aHeartbeatPlanLogsNothingBumpsNoSerialAndStillAdvancesTheGeneration() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      s.targets(X, "198.51.100.1");
      s.targets(Y, A, "2001:db8::1");
      Map<String, List<String>> content =
          Map.of(X, List.of("198.51.100.1"), Y, List.of(A, "2001:db8::1"));
      Enactor a = verifying(s, "az-a", 1);
      long g1 = s.publish(content);
      assertEquals(2, a.applyOnce().writes().written());
      long rows = changeLogRows(s);
      long serial = serial(s);
      long versions = s.count("SELECT sum(version) FROM rrset");

      try (Connection listener = s.db.connect()) {
        listen(listener);
        long g2 = s.publish(content);
        ApplyReport heartbeat = a.applyOnce();
        assertEquals(g2, heartbeat.generation());
        assertEquals(2, heartbeat.writes().written(), "the generation advanced on both");
        assertEquals(0, heartbeat.verificationAlarms(), "no false alarm on the kept marker");
        assertEquals(rows, changeLogRows(s), "a heartbeat logs no change");
        assertEquals(serial, serial(s), "and bumps no serial");
        assertEquals(versions, s.count("SELECT sum(version) FROM rrset"), "no content version");
        assertEquals(List.of(), changeNotificationsBefore(s, listener), "and sends no NOTIFY");
        allHold(s, X, g2);
        allHold(s, Y, g2);
        assertEquals(
            marker(g1),
            rdata(s, "_plan." + Y, "TXT"),
            "_plan names the plan that last changed the addresses");
        assertFalse(s.planExists(g1), "no rrset holds plan 1 any more: cleanup (keep 1) took it");
        String audited = EnactorDbTest.auditDetail(s, "write", Y);
        assertTrue(audited.endsWith("_plan stays " + g1 + ")"), audited);
      }

      Verifier.Observation served = s.served(Y);
      assertEquals(2, served.addresses());
      assertEquals(g1, served.generation());
      assertEquals(serial, soaSerial(s), "authdns serves the same SOA serial");
    }
  }

  /**
   * The regression case: plans N {a,b,c}, N+2 {a,b}, N+5 {a,b,c}. Once N+5 is applied (the same
   * content as N, so nothing is logged and _plan still says N), a delayed enactor carrying N+2 must
   * still lose the compare-and-set, and authdns must keep serving {a,b,c}.
   */
  @Test
  void aDelayedOlderPlanStillLosesAfterANewerPlanThatChangedNothing() throws Exception {
    try (Stack s = new Stack(List.of(Y), true)) {
      s.targets(Y, A, B, C);
      Enactor a = verifying(s, "az-a", 3);
      long[] g = new long[6];
      g[0] = s.publish(Map.of(Y, List.of(A, B, C)));
      a.applyOnce();
      // The delayed enactor az-c loaded plan N+2 back then; it writes only after N+5 is applied.
      g[1] = s.publish(Map.of(Y, List.of(A, B, C)));
      g[2] = s.publish(Map.of(Y, List.of(A, B)));
      Plan carried = new PlanStore(s.pool).load(g[2]).orElseThrow();
      g[3] = s.publish(Map.of(Y, List.of(A, B)));
      g[4] = s.publish(Map.of(Y, List.of(A, B, C)));
      g[5] = s.publish(Map.of(Y, List.of(A, B, C)));
      for (int k = 1; k < 6; k++) {
        assertEquals(g[0] + k, g[k], "plans N..N+5 are consecutive generations");
      }
      long rows = changeLogRows(s);
      long serial = serial(s);

      ApplyReport applied = a.applyOnce();
      assertEquals(g[5], applied.generation());
      assertEquals(0, applied.verificationAlarms());
      assertEquals(rows, changeLogRows(s), "N+5 publishes what N did: nothing to log");
      assertEquals(serial, serial(s));
      allHold(s, Y, g[5]);
      assertEquals(marker(g[0]), rdata(s, "_plan." + Y, "TXT"));

      ZoneIndex zones;
      try (Connection c = s.db.connect()) {
        zones = ZoneIndex.load(c);
      }
      RrsetWriter.Result late =
          new RrsetWriter("az-c", s.pool, new Faults(), 1000)
              .write(Mode.SAFE, carried.entries(), zones);
      assertEquals(1, late.tally().stale(), "N+2 must lose to N+5: " + late.tally());
      assertEquals(0, late.tally().written());
      assertEquals(1, s.audited("az-c", "stale_skip", Y));
      assertEquals("{" + A + "," + B + "," + C + "}", rdata(s, Y, "A"));
      allHold(s, Y, g[5]);
      assertEquals(rows, changeLogRows(s));
      assertEquals(serial, serial(s));

      Verifier.Observation served = s.served(Y);
      assertEquals(3, served.addresses(), "authdns still serves {a,b,c}");
      assertEquals(3, s.query(Y, Type.A).getSection(Section.ANSWER).size());
      assertEquals(g[0], served.generation());
    }
  }

  /** The same race when N+2 was applied in between: N+5 is then a change, logged as one. */
  @Test
  void aDelayedOlderPlanLosesWhenTheNewerPlanChangedTheAddressesBack() throws Exception {
    try (Stack s = new Stack(List.of(Y), true)) {
      s.targets(Y, A, B, C);
      Enactor a = verifying(s, "az-a", 3);
      s.publish(Map.of(Y, List.of(A, B, C)));
      a.applyOnce();
      long n2 = s.publish(Map.of(Y, List.of(A, B)));
      Plan carried = new PlanStore(s.pool).load(n2).orElseThrow();
      a.applyOnce();
      long rows = changeLogRows(s);
      long n5 = s.publish(Map.of(Y, List.of(A, B, C)));
      a.applyOnce();
      assertEquals(rows + 2, changeLogRows(s), "A and _plan changed, AAAA did not");
      assertEquals(marker(n5), rdata(s, "_plan." + Y, "TXT"));
      ZoneIndex zones;
      try (Connection c = s.db.connect()) {
        zones = ZoneIndex.load(c);
      }
      RrsetWriter.Result late =
          new RrsetWriter("az-c", s.pool, new Faults(), 1000)
              .write(Mode.SAFE, carried.entries(), zones);
      assertEquals(1, late.tally().stale());
      assertEquals("{" + A + "," + B + "," + C + "}", rdata(s, Y, "A"));
      assertEquals(rows + 2, changeLogRows(s));
    }
  }

  @Test
  void aRealChangeLogsExactlyTheRrsetsThatChangedInOneSerialBump() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      s.targets(X, "198.51.100.1");
      s.targets(Y, A, "2001:db8::1");
      Enactor a = verifying(s, "az-a", 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of(A, "2001:db8::1")));
      a.applyOnce();
      long seq = s.count("SELECT max(seq) FROM change_log");
      long serial = serial(s);
      // Y's IPv4 address moves; its IPv6 address and all of X stay.
      s.sql("INSERT INTO target (endpoint, address, az) VALUES ('" + Y + "', '" + B + "', 'az-a')");
      long g2 = s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of(B, "2001:db8::1")));
      ApplyReport r = a.applyOnce();
      assertEquals(0, r.verificationAlarms());
      assertEquals(
          List.of(
              "set " + Y + " A {" + B + "} " + (serial + 1),
              "set _plan." + Y + " TXT {\"\\\"" + g2 + "\\\"\"} " + (serial + 1)),
          column(
              s,
              "SELECT op || ' ' || name || ' ' || type || ' ' || rdata::text || ' ' || serial"
                  + " FROM change_log WHERE seq > "
                  + seq
                  + " ORDER BY type, name"));
      assertEquals(serial + 1, serial(s), "one statement, one serial bump");
      allHold(s, X, g2);
      allHold(s, Y, g2);
      Verifier.Observation served = s.served(Y);
      assertEquals(g2, served.generation());
      assertEquals(serial + 1, soaSerial(s));
    }
  }

  @Test
  void deletionUnpublishesOnceAndRepeatedDeletionEntriesLogNothing() throws Exception {
    try (Stack s = new Stack(List.of(X, Y), true)) {
      s.targets(X, "198.51.100.1");
      s.targets(Y, A);
      Enactor a = verifying(s, "az-a", 3);
      s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of(A)));
      a.applyOnce();
      s.sql("UPDATE endpoint SET deleted_at = now() WHERE name = '" + Y + "'");
      s.sql("DELETE FROM target WHERE endpoint = '" + Y + "'");
      long seq = s.count("SELECT max(seq) FROM change_log");
      long g2 = s.publish(Map.of(X, List.of("198.51.100.1")), Set.of(Y));
      ApplyReport r = a.applyOnce();
      assertEquals(1, r.writes().unpublished());
      assertEquals(
          List.of("set " + Y + " A {}", "set _plan." + Y + " TXT {}"),
          column(
              s,
              "SELECT op || ' ' || name || ' ' || type || ' ' || rdata::text FROM change_log"
                  + " WHERE seq > "
                  + seq
                  + " ORDER BY type, name"),
          "AAAA was already empty: not logged");
      allHold(s, Y, g2);

      long rows = changeLogRows(s);
      long serial = serial(s);
      long g3 = s.publish(Map.of(X, List.of("198.51.100.1")), Set.of(Y));
      assertEquals(1, a.applyOnce().writes().unpublished());
      assertEquals(rows, changeLogRows(s), "the same deletion again changes nothing");
      assertEquals(serial, serial(s));
      allHold(s, Y, g3);
      allHold(s, X, g3);
      assertTrue(s.served(Y).addresses() == 0, "still unpublished");

      // The operator creates it again: published, with a new marker.
      s.sql("UPDATE endpoint SET deleted_at = NULL WHERE name = '" + Y + "'");
      s.targets(Y, B);
      long g4 = s.publish(Map.of(X, List.of("198.51.100.1"), Y, List.of(B)));
      ApplyReport back = a.applyOnce();
      assertEquals(0, back.verificationAlarms());
      assertEquals(rows + 2, changeLogRows(s), "A and _plan");
      assertEquals(marker(g4), rdata(s, "_plan." + Y, "TXT"));
      Verifier.Observation served = s.served(Y);
      assertEquals(1, served.addresses());
      assertEquals(g4, served.generation());
    }
  }

  @Test
  void legacyHeartbeatsDoNotChurnEither() throws Exception {
    try (Stack s = new Stack(List.of(Y), false)) {
      Enactor legacy = EnactorDbTest.enactor(s, "az-a", Mode.LEGACY, 3);
      long g1 = s.publish(Map.of(Y, List.of(A, B)));
      legacy.applyOnce();
      long rows = changeLogRows(s);
      long g2 = s.publish(Map.of(Y, List.of(A, B)));
      assertEquals(1, legacy.applyOnce().writes().written());
      assertEquals(rows, changeLogRows(s));
      allHold(s, Y, g2);
      assertEquals(marker(g1), rdata(s, "_plan." + Y, "TXT"));
    }
  }

  /** V7 is the schema's rule, whoever writes: only rows whose served content changed are logged. */
  @Test
  void theSchemaLogsOnlyRowsWhoseContentChanged() throws Exception {
    try (Stack s = new Stack(List.of(), false)) {
      s.sql(
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, n, 'A', 60,"
              + " '{192.0.2.9}' FROM zone, unnest(ARRAY['p.aws.test.', 'q.aws.test.']) n"
              + " WHERE zone.name = 'aws.test.'");
      long seq = s.count("SELECT max(seq) FROM change_log");
      long serial = serial(s);
      s.sql(
          "UPDATE rrset SET ttl = ttl, rdata = rdata WHERE name IN ('p.aws.test.', 'q.aws.test.')");
      assertEquals(seq, s.count("SELECT max(seq) FROM change_log"));
      assertEquals(serial, serial(s));
      s.sql(
          "UPDATE rrset SET rdata = CASE name WHEN 'p.aws.test.' THEN '{192.0.2.8}'::text[]"
              + " ELSE rdata END WHERE name IN ('p.aws.test.', 'q.aws.test.')");
      assertEquals(
          List.of("set p.aws.test. {192.0.2.8}"),
          column(
              s,
              "SELECT op || ' ' || name"
                  + " || ' ' || rdata::text FROM change_log WHERE seq > "
                  + seq
                  + " ORDER BY seq"));
      assertEquals(serial + 1, serial(s));
      s.sql("UPDATE rrset SET ttl = 61 WHERE name = 'q.aws.test.'");
      assertEquals(serial + 2, serial(s), "a TTL is content too");
      s.sql("UPDATE rrset SET rdata = '{192.0.2.9,192.0.2.10}' WHERE name = 'q.aws.test.'");
      s.sql("UPDATE rrset SET rdata = '{192.0.2.10,192.0.2.9}' WHERE name = 'q.aws.test.'");
      assertEquals(serial + 4, serial(s), "record order is what is served, as stored");
    }
  }

  /**
   * The plan lock of V2 (rrset_lock_applied_plan) is taken by a write that advances only the
   * generation, so a plan delete waits for it and plan_delete_guard then refuses; and a write that
   * changes nothing still cannot unmanage a row (rrset_keep_managed).
   */
  @Test
  void aWriteThatChangesNothingStillLocksItsPlanAndStaysManaged() throws Exception {
    try (Stack s = new Stack(List.of(Y), true)) {
      s.targets(Y, A);
      s.publish(Map.of(Y, List.of(A)));
      EnactorDbTest.enactor(s, "az-a", Mode.SAFE, 3).applyOnce();
      long g2 = s.publish(Map.of(Y, List.of(A)));
      try (Connection writer = s.db.connect();
          Connection cleaner = s.db.connect()) {
        writer.setAutoCommit(false);
        try (Statement st = writer.createStatement()) {
          assertEquals(
              2,
              st.executeUpdate(
                  "UPDATE rrset SET applied_generation = " + g2 + " WHERE name = '" + Y + "'"));
        }
        int cleanerPid = Backends.pid(cleaner);
        CompletableFuture<Integer> delete =
            CompletableFuture.supplyAsync(
                () -> {
                  try (Statement st = cleaner.createStatement()) {
                    return st.executeUpdate("DELETE FROM plan WHERE generation = " + g2);
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        Await.until(
            "the plan delete waits for the in-flight no-op write",
            () ->
                s.count(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND pid = "
                                + cleanerPid)
                        > 0
                    || delete.isDone());
        assertFalse(delete.isDone(), "the delete did not wait for the write's plan lock");
        writer.commit();
        ExecutionException refused =
            assertThrows(ExecutionException.class, () -> delete.get(30, TimeUnit.SECONDS));
        assertTrue(
            refused.getCause().getCause().getMessage().contains("still applied"),
            refused.getCause().getCause().getMessage());
      }
      assertTrue(s.planExists(g2));
      SQLException unmanage =
          assertThrows(
              SQLException.class,
              () ->
                  s.sql(
                      "UPDATE rrset SET applied_generation = NULL WHERE name = '"
                          + Y
                          + "' AND type = 'A'"));
      assertTrue(unmanage.getMessage().contains("plan-managed"), unmanage.getMessage());
    }
  }

  private static List<String> column(Stack s, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = s.db.connect();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void listen(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("LISTEN dnsplane_change");
    }
  }

  /**
   * The change NOTIFYs {@code listener} received before a marker NOTIFY sent now: PostgreSQL
   * delivers notifications in commit order, so anything the apply sent arrives before the marker.
   */
  private static List<String> changeNotificationsBefore(Stack s, Connection listener)
      throws Exception {
    s.sql("SELECT pg_notify('dnsplane_change', 'marker')");
    List<String> before = new ArrayList<>();
    PGConnection pg = listener.unwrap(PGConnection.class);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      PGNotification[] got = pg.getNotifications(500);
      for (PGNotification n : got == null ? new PGNotification[0] : got) {
        if (n.getParameter().equals("marker")) {
          return before;
        }
        before.add(n.getParameter());
      }
    }
    throw new AssertionError("the marker NOTIFY never arrived");
  }

  private static long soaSerial(Stack s) throws Exception {
    var answer = s.query("aws.test.", Type.SOA).getSection(Section.ANSWER);
    return ((org.xbill.DNS.SOARecord) answer.get(0)).getSerial();
  }
}
