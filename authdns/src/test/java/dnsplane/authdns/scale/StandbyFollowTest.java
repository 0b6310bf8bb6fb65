package dnsplane.authdns.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.PrivateCluster;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * authdns attached to a PostgreSQL hot standby (a streaming replica of a primary, both private
 * clusters of this test's own) serves what is committed on the primary. The standby refuses LISTEN,
 * so the follower polls; the test prints the commit-on-primary to answer-from-the-standby latency
 * (deploy/bench/standby.sh runs it as a benchmark).
 */
class StandbyFollowTest {

  static final String ZONE = dnsplane.authdns.testing.TestZones.EXAMPLE_ORG;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int CHANGES = 60;

  private static PrivateCluster primary;
  private static PrivateCluster standby;
  private static DbSettings onPrimary;
  private static DbSettings onStandby;

  @BeforeAll
  static void clusters() throws Exception {
    primary = PrivateCluster.start();
    onPrimary = primary.settings("dnsplane");
    DbBootstrap.prepare(onPrimary);
    ZoneImporter.importText(onPrimary, ZONE, null);
    standby = primary.startStandby();
    onStandby = standby.settings("dnsplane");
  }

  @AfterAll
  static void stop() {
    if (standby != null) {
      standby.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  @Test
  void servesChangesCommittedOnThePrimaryFromTheStandby() throws Exception {
    SQLException refused = assertThrows(SQLException.class, () -> sql(onStandby, "LISTEN x"));
    assertTrue(refused.getMessage().contains("recovery"), "a standby refuses LISTEN: " + refused);

    try (AuthDns authdns =
        AuthDns.start(
            onStandby,
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0))) {
      Await.until("the zone served", DEADLINE, () -> address(authdns).equals("192.0.2.10"));
      assertTrue(authdns.followsStandby(), "the follower knows it polls a standby");

      List<Long> micros = new ArrayList<>();
      for (int i = 1; i <= CHANGES; i++) {
        String next = "198.51.100." + i;
        sql(
            onPrimary,
            "UPDATE rrset SET rdata = '{"
                + next
                + "}' WHERE name = 'www.example.org.' AND type = 'A'");
        long committed = System.nanoTime();
        long deadline = committed + DEADLINE.toNanos();
        while (!address(authdns).equals(next)) {
          assertTrue(
              System.nanoTime() < deadline, "change " + i + " not served within " + DEADLINE);
          LockSupport.parkNanos(200_000);
        }
        micros.add((System.nanoTime() - committed) / 1_000);
      }
      Collections.sort(micros);
      System.out.printf(
          "standby commit-to-served over %d changes (primary commit -> DNS answer from the authdns"
              + " following the standby, poll 100 ms): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          micros.size(),
          micros.get(micros.size() / 2) / 1000.0,
          micros.get(micros.size() * 99 / 100) / 1000.0,
          micros.get(micros.size() - 1) / 1000.0);
      assertEquals(0, authdns.status().fullReloads(), "followed incrementally");
    }
  }

  private static String address(AuthDns authdns) {
    try {
      SimpleResolver r = new SimpleResolver(authdns.dnsAddress());
      r.setTimeout(Duration.ofSeconds(1));
      Message m =
          r.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN)));
      List<Record> answer = m.getSection(Section.ANSWER);
      return answer.isEmpty() ? "" : ((ARecord) answer.get(0)).getAddress().getHostAddress();
    } catch (java.io.IOException e) {
      return "no answer: " + e;
    }
  }

  private static void sql(DbSettings db, String statement) throws SQLException {
    try (Connection c = DbBootstrap.connect(db);
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
