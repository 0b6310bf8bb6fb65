package dnsplane.authdns.sync;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.http.Health;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.changelog.ChangeLogChannel;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.MutableClock;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

@RequiresPostgres
class ChangeLogFollowerTest {

  static final Name ZONE = Name.fromConstantString("example.org.");
  static final String ZONE_TEXT =
      """
      $ORIGIN example.org.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      old  A   192.0.2.99
      """;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private TestDb db;
  private final AtomicReference<DbSettings> target = new AtomicReference<>();
  private final SnapshotHolder holder = new SnapshotHolder();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private ChangeLogFollower follower;

  @BeforeEach
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE_TEXT, null);
    target.set(db.settings());
    // A one-minute backstop: within the test deadlines only a NOTIFY (or a reconnect) can wake it.
    FollowerOptions options =
        new FollowerOptions(
            Duration.ofMinutes(1), 2, Duration.ofMillis(20), Duration.ofMillis(200));
    follower =
        new ChangeLogFollower(() -> DbBootstrap.connect(target.get()), holder, clock, options);
    follower.start();
    assertTrue(follower.awaitLoaded(DEADLINE), "first load");
    Await.until("connected", DEADLINE, () -> follower.status().dbConnected());
  }

  @AfterEach
  void stop() {
    follower.close();
  }

  @Test
  void firstLoadServesTheZoneAtTheCounter() throws Exception {
    assertEquals(List.of("192.0.2.10"), served("www.example.org.", Type.A));
    assertEquals(lastSeq(db), follower.status().appliedSeq());
  }

  @Test
  void committedWriteIsServedWithinBoundedTimeViaNotify() throws Exception {
    List<Long> micros = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      String address = "192.0.2." + (100 + i);
      exec(
          db,
          "UPDATE rrset SET rdata = ARRAY['"
              + address
              + "'] WHERE name = 'www.example.org.' AND type = 'A'");
      long committed = System.nanoTime();
      long seq = lastSeq(db);
      assertTrue(follower.awaitSeq(seq, DEADLINE), "change " + seq + " served");
      micros.add((System.nanoTime() - committed) / 1_000);
      assertEquals(List.of(address), served("www.example.org.", Type.A));
    }
    Collections.sort(micros);
    System.out.printf(
        "commit-to-snapshot latency over %d writes: p50 %.1f ms, p90 %.1f ms, max %.1f ms%n",
        micros.size(),
        micros.get(micros.size() / 2) / 1000.0,
        micros.get(micros.size() * 9 / 10) / 1000.0,
        micros.get(micros.size() - 1) / 1000.0);
    assertTrue(micros.get(micros.size() / 2) < 250_000, "median latency " + micros);
  }

  @Test
  void changesMissedWhileDisconnectedAreCaughtUpBySequence() throws Exception {
    long before = follower.status().appliedSeq();
    cutOff();
    exec(
        db,
        "UPDATE rrset SET rdata = ARRAY['192.0.2.11', '192.0.2.12'] WHERE name ="
            + " 'www.example.org.'");
    exec(db, "DELETE FROM rrset WHERE name = 'old.example.org.'");
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, 'new.example.org.', 'AAAA',"
            + " 60, ARRAY['2001:db8::1'] FROM zone");
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, 'empty.example.org.', 'A',"
            + " 60, '{}' FROM zone");
    // The NOTIFYs went to nobody; the snapshot is the old one, still served.
    assertEquals(List.of("192.0.2.10"), served("www.example.org.", Type.A));
    assertEquals(before, follower.status().appliedSeq());

    target.set(db.settings());
    assertTrue(follower.awaitSeq(lastSeq(db), DEADLINE));

    assertEquals(List.of("192.0.2.11", "192.0.2.12"), served("www.example.org.", Type.A));
    assertEquals(List.of(), served("old.example.org.", Type.A));
    assertEquals(List.of("2001:db8:0:0:0:0:0:1"), served("new.example.org.", Type.AAAA));
    assertTrue(holder.get().zone(ZONE).orElseThrow().exists(Name.fromString("empty.example.org.")));
    SyncStatus s = follower.status();
    assertEquals(1, s.reconnects());
    assertEquals(0, s.fullReloads(), "caught up by sequence, not by reload");
    assertEquals(before + 4, s.appliedSeq());
  }

  @Test
  void prunedChangeLogLeadsToAFullReload() throws Exception {
    cutOff();
    exec(db, "DELETE FROM rrset WHERE name = 'old.example.org.'");
    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.13'] WHERE name = 'www.example.org.'");
    exec(db, "DELETE FROM change_log WHERE seq < (SELECT last_seq FROM change_log_counter)");

    target.set(db.settings());
    assertTrue(follower.awaitSeq(lastSeq(db), DEADLINE));

    assertEquals(1, follower.status().fullReloads());
    assertEquals(List.of(), served("old.example.org.", Type.A));
    assertEquals(List.of("192.0.2.13"), served("www.example.org.", Type.A));
  }

  @Test
  void withTheDatabaseGoneTheSnapshotStaysAndHealthSaysDegraded() throws Exception {
    Instant synced = follower.status().lastSync();
    terminateFollowerConnection();
    // Not cut off: the follower reconnects at once and resumes.
    Await.until(
        "reconnected",
        DEADLINE,
        () -> follower.status().reconnects() == 1 && follower.status().dbConnected());

    cutOff();
    clock.advance(Duration.ofSeconds(42));
    SyncStatus s = follower.status();
    Health h = Health.of(s, holder.get().zoneNames().size(), clock.instant());
    assertEquals(200, h.httpStatus());
    assertEquals("DEGRADED", h.status());
    assertTrue(h.json().contains("\"dbConnected\":false"), h.json());
    assertTrue(s.snapshotAge(clock.instant()).toSeconds() >= 42, h.json());
    assertFalse(synced.isAfter(s.lastSync()));
    assertEquals(List.of("192.0.2.10"), served("www.example.org.", Type.A));

    target.set(db.settings());
    Await.until("reconnected after the outage", DEADLINE, () -> follower.status().dbConnected());
    assertEquals("UP", Health.of(follower.status(), 1, clock.instant()).status());
  }

  @Test
  void startingWithoutADatabaseRetriesUntilItAppears() throws Exception {
    AtomicReference<DbSettings> late = new AtomicReference<>(closedPort());
    SnapshotHolder empty = new SnapshotHolder();
    try (ChangeLogFollower f =
        new ChangeLogFollower(
            () -> DbBootstrap.connect(late.get()),
            empty,
            clock,
            new FollowerOptions(
                Duration.ofMinutes(1), 100, Duration.ofMillis(20), Duration.ofMillis(200)))) {
      f.start();
      assertFalse(f.awaitLoaded(Duration.ofMillis(300)), "nothing to load from a closed port");
      assertEquals(503, Health.of(f.status(), 0, clock.instant()).httpStatus());
      assertTrue(empty.get().zoneNames().isEmpty());

      late.set(db.settings());
      assertTrue(f.awaitLoaded(DEADLINE));
      assertEquals(List.of(ZONE), List.copyOf(empty.get().zoneNames()));
      assertEquals(lastSeq(db), f.status().appliedSeq());
    }
  }

  private DbSettings closedPort() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    DbSettings real = db.settings();
    return new DbSettings(
        real.jdbcUrl().replaceFirst(":\\d+/", ":" + closed + "/"), real.user(), real.password());
  }

  /** Points the follower at a closed port and kills its connection: it cannot get back in. */
  private void cutOff() throws Exception {
    target.set(closedPort());
    terminateFollowerConnection();
    Await.until("follower disconnected", DEADLINE, () -> !follower.status().dbConnected());
  }

  private void terminateFollowerConnection() throws SQLException {
    long terminated =
        longValue(
            db,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = ? AND datname = current_database()",
            ChangeLogChannel.FOLLOWER_APPLICATION_NAME);
    assertEquals(1, terminated, "exactly one follower connection");
  }

  private List<String> served(String name, int type) throws Exception {
    Name owner = Name.fromString(name);
    return holder.get().records(ZONE).stream()
        .filter(r -> r.getName().equals(owner) && r.getType() == type)
        .map(Record::rdataToString)
        .sorted()
        .toList();
  }
}
