package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbSettings;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.PrivateCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Static stability: authdns starts and answers while PostgreSQL is down, from the copy of its
 * snapshot it persisted, and catches up when the database returns. The database is a private
 * cluster of this test's own (so it can be stopped), authdns a real process (so it can be killed
 * with SIGKILL mid-save), its database role a read-only one.
 *
 * <p>The steps build on each other, in order: serve and persist; restart with the database down;
 * the database returns and a change is served; a SIGKILL during a save; a corrupt copy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaticStabilityTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static ServingCluster db;
  private static PrivateCluster cluster;
  private static DbSettings admin;
  private static DbSettings reader;
  private static Path state;

  @BeforeAll
  static void cluster() throws Exception {
    db = ServingCluster.start();
    cluster = db.cluster;
    admin = db.admin;
    reader = db.reader;
    state = Files.createTempDirectory("authdns-state-");
  }

  @AfterAll
  static void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  @Order(1)
  void theServingRoleCanReadButNotWrite() {
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                ServingCluster.sql(
                    reader, "UPDATE rrset SET ttl = 1 WHERE name = 'www.example.org.'"));
    assertEquals("42501", e.getSQLState(), "permission denied: " + e.getMessage());
  }

  @Test
  @Order(2)
  void servesWithReadRightsAndPersistsTheSnapshot() throws Exception {
    try (AuthDnsProcess authdns = serve(Map.of())) {
      Await.until(
          "www served",
          DEADLINE,
          () -> authdns.addresses("www.example.org.").equals(List.of("192.0.2.10")));
      assertTrue(authdns.http("/health").body().contains("\"status\":\"UP\""));
      assertEquals(0, authdns.stop(), authdns.output().toString());
    }
    assertTrue(Files.size(state.resolve("authdns-snapshot.bin")) > 0, "a copy was saved");
  }

  @Test
  @Order(3)
  void coldStartWithTheDatabaseDownServesThePersistedCopy() throws Exception {
    cluster.stopServer("fast");
    try (AuthDnsProcess authdns = serve(Map.of())) {
      assertEquals(List.of("192.0.2.10"), authdns.addresses("www.example.org."));
      assertEquals(Rcode.NXDOMAIN, authdns.query("nope.example.org.", Type.A).getRcode());
      String health = authdns.http("/health").body();
      assertTrue(health.contains("\"status\":\"DEGRADED\""), health);
      assertTrue(health.contains("\"restoredFromDisk\":true"), health);
      assertTrue(
          java.util.regex.Pattern.compile("\"snapshotAgeMs\":\\d+").matcher(health).find(), health);
      String metrics = authdns.http("/metrics").body();
      assertTrue(metrics.contains("dnsplane_authdns_snapshot_restored 1"), metrics);

      // The database returns; a change committed now is served, and the copy is confirmed.
      cluster.startServer();
      ServingCluster.sql(
          admin,
          "UPDATE rrset SET rdata = '{192.0.2.20}' WHERE name = 'www.example.org.' AND type = 'A'");
      Await.until(
          "the change served",
          DEADLINE,
          () -> authdns.addresses("www.example.org.").equals(List.of("192.0.2.20")));
      Await.until(
          "health UP", DEADLINE, () -> authdns.body("/health").contains("\"status\":\"UP\""));
      assertTrue(authdns.body("/health").contains("\"restoredFromDisk\":false"));
      assertEquals(0, authdns.stop(), authdns.output().toString());
    }
  }

  @Test
  @Order(4)
  void aKillDuringASaveLeavesThePreviousGoodCopy() throws Exception {
    // The save stalls after 100 bytes, as a process killed in the middle of writing would leave it.
    try (AuthDnsProcess authdns =
        serve(Map.of("DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES", "100"))) {
      Await.until(
          "the previous change served",
          DEADLINE,
          () -> authdns.addresses("www.example.org.").equals(List.of("192.0.2.20")));
      ServingCluster.sql(
          admin,
          "UPDATE rrset SET rdata = '{192.0.2.30}' WHERE name = 'www.example.org.' AND type = 'A'");
      Await.until(
          "the new change served",
          DEADLINE,
          () -> authdns.addresses("www.example.org.").equals(List.of("192.0.2.30")));
      Await.until("a save in progress", DEADLINE, () -> !temporaryCopies().isEmpty());
      authdns.kill();
    }
    assertFalse(temporaryCopies().isEmpty(), "the killed save left its partial file");
    cluster.stopServer("immediate");
    try (AuthDnsProcess authdns = serve(Map.of())) {
      assertEquals(
          List.of("192.0.2.20"),
          authdns.addresses("www.example.org."),
          "the last good copy is served");
      assertTrue(temporaryCopies().isEmpty(), "the partial file is removed at start");
      assertTrue(authdns.printed("did not finish"), authdns.output().toString());
      authdns.kill();
    }
  }

  @Test
  @Order(5)
  void aCorruptCopyIsRefusedAndThePreviousOneServed() throws Exception {
    Path current = state.resolve("authdns-snapshot.bin");
    byte[] bytes = Files.readAllBytes(current);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(current, bytes);
    try (AuthDnsProcess authdns = serve(Map.of())) {
      assertTrue(authdns.printed("refusing snapshot copy"), authdns.output().toString());
      Message m = authdns.query("www.example.org.", Type.A);
      // The previous copy is the one saved before the last good one: an older, whole zone.
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertEquals(1, m.getSection(Section.ANSWER).size());
      authdns.kill();
    }
  }

  @Test
  @Order(6)
  void aRestartWhilePostgresHangsServesTheCopyAndKeepsTryingTheDatabase() throws Exception {
    cluster.startServer();
    Path own = Files.createTempDirectory("authdns-state-");
    try (AuthDnsProcess authdns =
        AuthDnsProcess.start(reader, Map.of(), "--state-dir", own.toString())) {
      Await.until(
          "www served",
          DEADLINE,
          () -> authdns.addresses("www.example.org.").equals(List.of("192.0.2.30")));
      assertEquals(0, authdns.stop(), authdns.output().toString());
    }
    // A database host that accepts connections and never answers (a frozen server, a stalled
    // disk; without TLS, which the driver gives 5 s to answer): a restart that waited on the
    // database before serving its copy would never come up. And a hung attempt is given up in
    // time to make another: the follower is not held for ever either, and finds the database when
    // it answers again.
    try (HungServer hung = new HungServer()) {
      DbSettings unanswered =
          new DbSettings(
              "jdbc:postgresql://127.0.0.1:" + hung.port() + "/dnsplane?sslmode=disable",
              "authdns_ro",
              "");
      try (AuthDnsProcess authdns =
          AuthDnsProcess.start(unanswered, Map.of(), "--state-dir", own.toString())) {
        assertEquals(List.of("192.0.2.30"), authdns.addresses("www.example.org."));
        assertTrue(
            authdns.body("/health").contains("\"restoredFromDisk\":true"),
            authdns.output().toString());
        Await.until(
            "a second attempt to connect", Duration.ofSeconds(60), () -> hung.accepted() >= 2);
        authdns.kill();
      }
    }
  }

  /** A TCP listener on loopback that accepts connections and never sends a byte. */
  private static final class HungServer implements AutoCloseable {
    private final java.net.ServerSocket socket;
    private final java.util.List<java.net.Socket> held =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final Thread acceptor;

    HungServer() throws IOException {
      socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(socket.accept());
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "hung-postgres");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int accepted() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (held) {
        for (java.net.Socket s : held) {
          s.close();
        }
      }
    }
  }

  private static AuthDnsProcess serve(Map<String, String> env) throws Exception {
    return AuthDnsProcess.start(
        reader, env, "--state-dir", state.toString(), "--snapshot-interval", "1");
  }

  private static List<Path> temporaryCopies() {
    try (Stream<Path> files = Files.list(state)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
