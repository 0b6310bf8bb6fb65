package dnsplane.authdns.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Several servers, one zone: three authdns instances following one database converge on the same
 * SOA serial (the database's) and the same answers after a run of changes, without talking to each
 * other. Reads scale by adding servers; nothing but PostgreSQL is shared.
 */
@RequiresPostgres
class SeveralServersTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @Test
  void threeServersConvergeOnTheDatabasesSerialAndAnswers() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), StandbyFollowTest.ZONE, null);
    List<AuthDns> servers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(
            AuthDns.start(
                db.settings(),
                new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0)));
      }
      long before = scalar(db, "SELECT serial FROM zone WHERE name = 'example.org.'");
      Random random = new Random(7);
      for (int i = 0; i < 60; i++) {
        String label = "h" + random.nextInt(10);
        switch (random.nextInt(3)) {
          case 0 -> sql(db, "DELETE FROM rrset WHERE name = '" + label + ".example.org.'");
          default ->
              sql(
                  db,
                  "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, '"
                      + label
                      + ".example.org.', 'A', 60, '{203.0.113."
                      + i
                      + "}' FROM zone"
                      + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = EXCLUDED.rdata");
        }
      }
      long serial = scalar(db, "SELECT serial FROM zone WHERE name = 'example.org.'");
      for (AuthDns s : servers) {
        assertTrue(s.awaitSynced(DEADLINE), "server " + s.dnsAddress() + " caught up");
      }
      List<Long> serials = new ArrayList<>();
      List<String> answers = new ArrayList<>();
      for (AuthDns s : servers) {
        serials.add(((SOARecord) query(s, "example.org.", Type.SOA).get(0)).getSerial());
        TreeSet<String> all = new TreeSet<>();
        for (int h = 0; h < 10; h++) {
          query(s, "h" + h + ".example.org.", Type.A).forEach(r -> all.add(r.toString()));
        }
        answers.add(String.join("\n", all));
      }
      assertEquals(
          List.of(serial, serial, serial), serials, "every server serves the database's serial");
      assertEquals(
          1,
          answers.stream().distinct().count(),
          "every server gives the same answers: " + answers);
      assertTrue(serial > before + 20, "the changes moved the serial: " + before + " -> " + serial);
    } finally {
      servers.forEach(AuthDns::close);
    }
  }

  private static List<Record> query(AuthDns s, String name, int type) throws Exception {
    SimpleResolver r = new SimpleResolver(s.dnsAddress());
    r.setTimeout(Duration.ofSeconds(2));
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    return m.getSection(Section.ANSWER);
  }

  private static long scalar(TestDb db, String query) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sql(TestDb db, String statement) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
