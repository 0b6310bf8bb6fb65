package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbSettings;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.PrivateCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A server with no copy of its own ({@code --seed-from}): it starts from a running peer's copy,
 * serves it while PostgreSQL is down, follows the database from the copy's position once it is
 * back, and keeps a copy of its own from then on. A peer that refuses is passed over for a full
 * load from PostgreSQL. Real processes, a private cluster of this test's own (so it can be
 * stopped), the read-only serving role.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedFromPeerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String COPY = "authdns-snapshot.bin";

  private static ServingCluster db;
  private static PrivateCluster cluster;
  private static DbSettings admin;
  private static DbSettings reader;

  @BeforeAll
  static void cluster() throws Exception {
    db = ServingCluster.start();
    cluster = db.cluster;
    admin = db.admin;
    reader = db.reader;
  }

  @AfterAll
  static void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  @Order(1)
  void aFreshServerSeededFromAPeerAnswersWhilePostgresIsDownAndFollowsItAfter() throws Exception {
    Path peerState = Files.createTempDirectory("authdns-peer-");
    Path freshState = Files.createTempDirectory("authdns-fresh-");
    try (AuthDnsProcess peer = serve(peerState)) {
      Await.until(
          "the peer serves www",
          DEADLINE,
          () -> peer.addresses("www.example.org.").equals(List.of("192.0.2.10")));
      Await.until("the peer saved a copy", DEADLINE, () -> Files.exists(peerState.resolve(COPY)));

      cluster.stopServer("fast");
      try (AuthDnsProcess fresh = serve(freshState, "--seed-from", peerUrl(peer))) {
        assertEquals(
            List.of("192.0.2.10"), fresh.addresses("www.example.org."), fresh.output().toString());
        assertTrue(fresh.printed("seeded from http://127.0.0.1:"), fresh.output().toString());
        assertFalse(fresh.printed("waiting for PostgreSQL"), fresh.output().toString());
        String health = fresh.body("/health");
        assertTrue(health.contains("\"status\":\"DEGRADED\""), health);
        assertTrue(health.contains("\"restoredFromDisk\":true"), health);
        Await.until(
            "the peer logged the copy sent",
            DEADLINE,
            () -> peer.printed("sent the snapshot copy"));

        // The database returns: the fresh server resumes after the copy's position, serves a
        // change committed now, and saves a copy of its own.
        cluster.startServer();
        ServingCluster.sql(
            admin,
            "UPDATE rrset SET rdata = '{192.0.2.20}' WHERE name = 'www.example.org.'"
                + " AND type = 'A'");
        Await.until(
            "the change served by the seeded server",
            DEADLINE,
            () -> fresh.addresses("www.example.org.").equals(List.of("192.0.2.20")));
        Await.until(
            "health UP", DEADLINE, () -> fresh.body("/health").contains("\"status\":\"UP\""));
        assertTrue(fresh.printed("resuming after change"), fresh.output().toString());
        assertFalse(fresh.printed("full reload"), fresh.output().toString());
        Await.until("a copy of its own", DEADLINE, () -> Files.exists(freshState.resolve(COPY)));
        assertEquals(0, fresh.stop(), fresh.output().toString());
      }
      assertEquals(0, peer.stop(), peer.output().toString());
    }
  }

  @Test
  @Order(2)
  void aPeerThatRefusesIsPassedOverForAFullLoad() throws Exception {
    Path peerState = Files.createTempDirectory("authdns-peer-");
    Path freshState = Files.createTempDirectory("authdns-fresh-");
    // Transfers only to a documentation network: this test's loopback client is not in it.
    try (AuthDnsProcess peer = serve(peerState, "--allow-transfer", "192.0.2.0/24")) {
      Await.until("the peer saved a copy", DEADLINE, () -> Files.exists(peerState.resolve(COPY)));
      try (AuthDnsProcess fresh = serve(freshState, "--seed-from", peerUrl(peer))) {
        Await.until(
            "served from PostgreSQL",
            DEADLINE,
            () -> fresh.addresses("www.example.org.").equals(List.of("192.0.2.20")));
        assertTrue(fresh.printed("HTTP 403"), fresh.output().toString());
        assertFalse(fresh.printed("seeded from http"), fresh.output().toString());
        assertTrue(fresh.printed("loaded 1 zones"), fresh.output().toString());
        assertEquals(0, fresh.stop(), fresh.output().toString());
      }
      assertEquals(0, peer.stop(), peer.output().toString());
    }
  }

  private static AuthDnsProcess serve(Path state, String... more) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("--state-dir", state.toString(), "--snapshot-interval", "1"));
    args.addAll(List.of(more));
    return AuthDnsProcess.start(reader, java.util.Map.of(), args.toArray(String[]::new));
  }

  private static String peerUrl(AuthDnsProcess peer) {
    return "http://127.0.0.1:" + peer.httpPort();
  }
}
