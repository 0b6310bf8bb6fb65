package dnsplane.authdns.sync;

import static dnsplane.db.testing.Sql.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Address rdata that authdns cannot parse reaches table rrset (the database's CHECK is dropped
 * here, as on a database without it): a real authdns keeps serving the last good version of that
 * rrset, or on a first load what of it parses, and raises an alarm on /health and /metrics until a
 * valid change for that rrset is applied.
 */
@RequiresPostgres
class RejectedChangeTest {

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      www  A   192.0.2.11
      v6   AAAA 2001:db8::10
      """;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newHttpClient();
  private TestDb db;
  private AuthDns authDns;

  @BeforeEach
  void database() throws Exception {
    db = TestPostgres.freshDatabase();
    // The name schema V2 gives its address CHECK; without it, bad rdata can reach the table.
    exec(db, "ALTER TABLE rrset DROP CONSTRAINT IF EXISTS rrset_address_rdata_valid");
    ZoneImporter.importText(db.settings(), ZONE, null);
  }

  @AfterEach
  void stop() {
    if (authDns != null) {
      authDns.close();
    }
  }

  @Test
  void aBadUpdateKeepsThePreviousVersionServedAndAlarmsUntilAValidUpdate() throws Exception {
    start();
    assertEquals(List.of("192.0.2.10", "192.0.2.11"), served("www.example.org.", Type.A));
    assertEquals("UP", status(health().body()));

    exec(
        db,
        "UPDATE rrset SET rdata = ARRAY['192.0.2.10', '192.0.2.11', '192.0.2.300']"
            + " WHERE name = 'www.example.org.' AND type = 'A'");
    assertTrue(authDns.awaitSynced(DEADLINE));

    assertEquals(
        List.of("192.0.2.10", "192.0.2.11"),
        served("www.example.org.", Type.A),
        "the whole previous version stays served");
    HttpResponse<String> h = health();
    assertEquals(200, h.statusCode(), "DNS is still answered");
    assertEquals("DEGRADED", status(h.body()), h.body());
    assertTrue(h.body().contains("www.example.org. A"), h.body());
    assertTrue(h.body().contains("192.0.2.300"), "says what is wrong: " + h.body());
    String metrics = metrics();
    assertEquals(1, metric(metrics, "dnsplane_authdns_sync_rejected_changes_total"), metrics);
    assertEquals(1, metric(metrics, "dnsplane_authdns_sync_rejected_rrsets"), metrics);

    // Another rrset's valid change does not clear the alarm.
    exec(db, "UPDATE rrset SET ttl = 301 WHERE name = 'ns1.example.org.'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    assertEquals("DEGRADED", status(health().body()));

    exec(
        db,
        "UPDATE rrset SET rdata = ARRAY['192.0.2.12']"
            + " WHERE name = 'www.example.org.' AND type = 'A'");
    assertTrue(authDns.awaitSynced(DEADLINE));

    assertEquals(List.of("192.0.2.12"), served("www.example.org.", Type.A));
    h = health();
    assertEquals("UP", status(h.body()), h.body());
    metrics = metrics();
    assertEquals(1, metric(metrics, "dnsplane_authdns_sync_rejected_changes_total"), metrics);
    assertEquals(0, metric(metrics, "dnsplane_authdns_sync_rejected_rrsets"), metrics);
  }

  @Test
  void aFirstLoadServesTheRecordsThatParseAndAlarms() throws Exception {
    exec(
        db,
        "UPDATE rrset SET rdata = ARRAY['192.0.2.10', 'not-an-address']"
            + " WHERE name = 'www.example.org.' AND type = 'A'");
    exec(
        db,
        "UPDATE rrset SET rdata = ARRAY['2001:db8::zz', '2001:db8::11']"
            + " WHERE name = 'v6.example.org.' AND type = 'AAAA'");

    start();

    assertEquals(List.of("192.0.2.10"), served("www.example.org.", Type.A));
    assertEquals(List.of("2001:db8:0:0:0:0:0:11"), served("v6.example.org.", Type.AAAA));
    HttpResponse<String> h = health();
    assertEquals(200, h.statusCode());
    assertEquals("DEGRADED", status(h.body()), h.body());
    assertTrue(h.body().contains("www.example.org. A"), h.body());
    assertTrue(h.body().contains("v6.example.org. AAAA"), h.body());
    String metrics = metrics();
    assertEquals(2, metric(metrics, "dnsplane_authdns_sync_rejected_rrsets"), metrics);
    assertEquals(2, metric(metrics, "dnsplane_authdns_sync_rejected_changes_total"), metrics);

    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.13'] WHERE name = 'www.example.org.'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    h = health();
    assertFalse(h.body().contains("www.example.org. A"), h.body());
    assertTrue(h.body().contains("v6.example.org. AAAA"), "still rejected: " + h.body());
    assertEquals(1, metric(metrics(), "dnsplane_authdns_sync_rejected_rrsets"));
  }

  /** A full reload (change log pruned) while an rrset is bad keeps its last good version. */
  @Test
  void aFullReloadKeepsTheLastGoodVersionOfABadRrset() throws Exception {
    start();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute(
          "UPDATE rrset SET rdata = ARRAY['192.0.2.10', '192.0.2.1/24']"
              + " WHERE name = 'www.example.org.' AND type = 'A'");
      st.execute("DELETE FROM change_log"); // pruned: the follower must reload
      c.commit();
    }
    assertTrue(authDns.awaitSynced(DEADLINE));
    Await.until("full reload", DEADLINE, () -> authDns.status().fullReloads() == 1);

    assertEquals(List.of("192.0.2.10", "192.0.2.11"), served("www.example.org.", Type.A));
    HttpResponse<String> h = health();
    assertEquals("DEGRADED", status(h.body()), h.body());
    assertTrue(h.body().contains("www.example.org. A"), h.body());
  }

  /**
   * A full reload over an rrset that serves nothing (a tombstone) treats it as an incremental
   * change does: the records that parse are served, not the empty previous version.
   */
  @Test
  void aFullReloadOverAnEmptyRrsetServesTheRecordsThatParse() throws Exception {
    start();
    exec(db, "UPDATE rrset SET rdata = '{}' WHERE name = 'www.example.org.' AND type = 'A'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    assertEquals(List.of(), served("www.example.org.", Type.A));
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute(
          "UPDATE rrset SET rdata = ARRAY['192.0.2.12', '192.0.2.1/24']"
              + " WHERE name = 'www.example.org.' AND type = 'A'");
      st.execute("DELETE FROM change_log"); // pruned: the follower must reload
      c.commit();
    }
    assertTrue(authDns.awaitSynced(DEADLINE));
    Await.until("full reload", DEADLINE, () -> authDns.status().fullReloads() == 1);

    assertEquals(List.of("192.0.2.12"), served("www.example.org.", Type.A));
    assertEquals("DEGRADED", status(health().body()));
  }

  private void start() throws Exception {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    authDns = AuthDns.start(db.settings(), any, any);
    assertTrue(authDns.awaitSynced(DEADLINE));
  }

  private List<String> served(String name, int type) throws Exception {
    SimpleResolver r = new SimpleResolver(authDns.dnsAddress());
    r.setTimeout(Duration.ofSeconds(3));
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
  }

  private HttpResponse<String> health() throws Exception {
    return get("/health");
  }

  private String metrics() throws Exception {
    HttpResponse<String> m = get("/metrics");
    assertEquals(200, m.statusCode());
    return m.body();
  }

  private static String status(String healthJson) {
    Matcher m = Pattern.compile("\"status\":\"([A-Z]+)\"").matcher(healthJson);
    assertTrue(m.find(), healthJson);
    return m.group(1);
  }

  /** The value of an unlabelled metric; -1 when it is missing. */
  private static long metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private HttpResponse<String> get(String path) throws Exception {
    InetSocketAddress a = authDns.httpAddress();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
