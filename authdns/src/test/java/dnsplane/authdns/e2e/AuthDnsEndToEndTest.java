package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

@RequiresPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthDnsEndToEndTest {

  private static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @        SOA ns1 hostmaster 1 7200 3600 1209600 60
      @        NS  ns1
      ns1      A   192.0.2.1
      dynamodb.us-east-1 60 A 192.0.2.10
      dynamodb.us-east-1 60 A 192.0.2.11
      """;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private TestDb db;
  private AuthDns authDns;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    authDns = AuthDns.start(db.settings(), any, any);
  }

  @AfterAll
  void stop() {
    if (authDns != null) {
      authDns.close();
    }
  }

  @Test
  void answersOverUdpAndTcp() throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = query("DynamoDB.us-east-1.AWS.test.", Type.A, tcp);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getHeader().getFlag(Flags.AA), "authoritative");
      assertEquals(List.of("192.0.2.10", "192.0.2.11"), rdata(m, Section.ANSWER));
      assertEquals(
          "DynamoDB.us-east-1.AWS.test.",
          m.getSection(Section.ANSWER).get(0).getName().toString(),
          "query case echoed");
      assertEquals(Rcode.NXDOMAIN, query("nope.aws.test.", Type.A, tcp).getRcode());
      assertEquals(Rcode.REFUSED, query("example.com.", Type.A, tcp).getRcode());
    }
  }

  @Test
  void aWriteInPostgresIsServedAndAnEmptyRrsetIsNodata() throws Exception {
    sql(
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, 's3.us-east-1.aws.test.',"
            + " 'A', 60, ARRAY['198.51.100.7'] FROM zone WHERE name = 'aws.test.'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    assertEquals(
        List.of("198.51.100.7"),
        rdata(query("s3.us-east-1.aws.test.", Type.A, false), Section.ANSWER));

    sql("UPDATE rrset SET rdata = '{}' WHERE name = 's3.us-east-1.aws.test.' AND type = 'A'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    Message nodata = query("s3.us-east-1.aws.test.", Type.A, true);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertEquals(List.of(), rdata(nodata, Section.ANSWER));
    assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void healthAndMetricsOverHttp() throws Exception {
    HttpResponse<String> health = get("/health");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
    assertTrue(health.body().contains("\"zones\":1"), health.body());
    assertTrue(health.body().contains("\"dbConnected\":true"), health.body());

    query("dynamodb.us-east-1.aws.test.", Type.A, false);
    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("dnsplane_authdns_zones 1\n"), metrics.body());
    assertTrue(metrics.body().contains("dnsplane_authdns_changelog_lag 0\n"), metrics.body());
    assertTrue(metrics.body().contains("dnsplane_authdns_snapshot_age_seconds "), metrics.body());
    assertTrue(metrics.body().contains("dnsplane_authdns_records "), metrics.body());
    assertTrue(metrics.body().contains("dnsplane_authdns_applied_seq "), metrics.body());

    assertEquals(404, get("/nope").statusCode());
  }

  @Test
  void soaSerialFollowsTheChangeLog() throws Exception {
    long before = soaSerial();
    sql("UPDATE rrset SET ttl = 61 WHERE name = 'dynamodb.us-east-1.aws.test.'");
    assertTrue(authDns.awaitSynced(DEADLINE));
    Await.until("serial bumped", DEADLINE, () -> soaSerial() > before);
  }

  private long soaSerial() {
    try {
      Record soa = query("aws.test.", Type.SOA, false).getSection(Section.ANSWER).get(0);
      return ((org.xbill.DNS.SOARecord) soa).getSerial();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Message query(String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(authDns.dnsAddress());
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private static List<String> rdata(Message m, int section) {
    return m.getSection(section).stream().map(Record::rdataToString).sorted().toList();
  }

  private HttpResponse<String> get(String path) throws Exception {
    InetSocketAddress a = authDns.httpAddress();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void sql(String statement) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
