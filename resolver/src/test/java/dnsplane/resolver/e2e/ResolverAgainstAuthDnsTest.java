package dnsplane.resolver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.testing.MutableClock;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.resolver.ResolverServer;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.testing.ManualScheduler;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The outage on the wire, against a real authdns on a real PostgreSQL: the endpoint's rrset is
 * emptied and then restored. A guard-off resolver caches the empty answer and keeps serving it
 * after the fix; a guard-on resolver keeps serving the addresses (EDE 3) and is back to fresh data
 * as soon as upstream is.
 */
@RequiresPostgres
class ResolverAgainstAuthDnsTest {
  static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @        SOA ns1 hostmaster 1 7200 3600 1209600 60
      @        NS  ns1
      ns1      A   192.0.2.1
      dynamodb.us-east-1 60 A 192.0.2.10
      """;
  static final String NAME = "dynamodb.us-east-1.aws.test.";
  static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void guardOnRidesOutAnEmptiedEndpointWhileGuardOffCachesTheEmptyAnswer() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    MutableClock clock = new MutableClock();
    ManualScheduler scheduler = new ManualScheduler();
    try (AuthDns auth = AuthDns.start(db.settings(), any, any);
        ResolverServer guarded = new ResolverServer(config(auth, "on"), clock, scheduler).start();
        ResolverServer legacy =
            new ResolverServer(config(auth, "off"), clock, new ManualScheduler()).start()) {
      assertEquals(List.of("192.0.2.10"), addresses(ask(guarded)));
      assertEquals(List.of("192.0.2.10"), addresses(ask(legacy)));

      sql(
          db,
          "UPDATE rrset SET rdata = '{}' WHERE name = '"
              + NAME
              + "' AND type = 'A'"); // the endpoint is emptied
      assertTrue(auth.awaitSynced(DEADLINE));
      clock.advance(Duration.ofSeconds(61));
      Message kept = ask(guarded);
      assertEquals(List.of("192.0.2.10"), addresses(kept));
      ExtendedErrorCodeOption ede = Harness.ede(kept);
      assertNotNull(ede);
      assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, ede.getErrorCode());
      assertEquals(List.of(), addresses(ask(legacy)), "legacy believes the empty answer");
      assertEquals(1, guarded.metrics().suspectEmpty.sum());

      sql(
          db,
          "UPDATE rrset SET rdata = ARRAY['192.0.2.10'] WHERE name = '"
              + NAME
              + "' AND type = 'A'"); // fixed
      assertTrue(auth.awaitSynced(DEADLINE));
      clock.advance(Duration.ofSeconds(10));
      Message back =
          ask(guarded); // the guard's retry is due (backoff from 1 s): asked again, fresh data
      assertEquals(List.of("192.0.2.10"), addresses(back));
      assertNull(Harness.ede(back));
      assertEquals(
          List.of(),
          addresses(ask(legacy)),
          "the fix is not seen: the empty answer is cached (60 s)");
      clock.advance(Duration.ofSeconds(51));
      assertEquals(List.of("192.0.2.10"), addresses(ask(legacy)), "only after the negative TTL");
    }
  }

  static ResolverConfig config(AuthDns auth, String guard) {
    return ResolverConfig.from(
        Map.of(
            "listen", "127.0.0.1:0",
            "http", "127.0.0.1:0",
            "stub-zones", "aws.test.=127.0.0.1:" + auth.dnsAddress().getPort(),
            "guard", guard,
            "client-timeout", "1s"));
  }

  static Message ask(ResolverServer r) throws Exception {
    Message m = Harness.udp(r.dnsAddress(), Harness.query(NAME, Type.A).toWire(), null);
    assertNotNull(m, "the resolver answered");
    return m;
  }

  static List<String> addresses(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }

  static void sql(TestDb db, String statement) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.executeUpdate(statement);
    }
  }
}
