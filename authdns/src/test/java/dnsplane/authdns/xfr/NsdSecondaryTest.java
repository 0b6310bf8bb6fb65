package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.testing.Nsd;
import dnsplane.authdns.tsig.TsigKey;
import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * The headline: a real NSD, configured as a secondary of an in-process authdns, pulls the zone by
 * AXFR and serves it; a change committed in PostgreSQL reaches NSD through our NOTIFY (its SOA
 * refresh is two hours, so nothing else could bring it within the deadline), without a restart.
 * Skipped when NSD is not installed.
 */
@RequiresPostgres
class NsdSecondaryTest {
  private static final Name WWW = Name.fromConstantString("www.sec.test.");
  private static final String ZONE =
      """
      $ORIGIN sec.test.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      """;

  private Nsd nsd;
  private AuthDns authDns;

  @AfterEach
  void stop() throws Exception {
    if (nsd != null) {
      nsd.close();
      // NSD's own account of the transfers and NOTIFYs, kept in the surefire report.
      System.out.println(nsd.log());
    }
    if (authDns != null) {
      authDns.close();
    }
  }

  @Test
  void nsdPullsTheZoneAndFollowsAChangeAfterOurNotify(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Nsd.installed(), "NSD is not installed (apt-get install nsd)");
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    InetSocketAddress nsdAddress = new InetSocketAddress("127.0.0.1", Nsd.freePort());
    authDns =
        AuthDns.start(
            db.settings(),
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            new XfrConfig(TransferAcl.parse("127.0.0.1/32"), List.of(nsdAddress)));
    startNsd(dir, nsdAddress, authDns.dnsAddress().getPort());

    Await.until(
        "NSD to load sec.test by AXFR and answer www (log: " + dir.resolve("nsd.log") + ")",
        Duration.ofSeconds(20),
        () -> addresses(nsdAddress).equals(Set.of("192.0.2.10")));
    assertTrue(
        authDns.metrics().xfr().transfers("AXFR", "full")
                + authDns.metrics().xfr().transfers("IXFR", "full")
            >= 1,
        "NSD transferred from us");

    long ackedBefore = authDns.metrics().xfr().notifiesAcked();
    try (Connection c = dnsplane.db.DbBootstrap.connect(db.settings());
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "UPDATE rrset SET rdata = '{192.0.2.99}' WHERE name = 'www.sec.test.' AND type = 'A'");
    }
    Await.until(
        "NSD to serve the changed www after NOTIFY",
        Duration.ofSeconds(15),
        () -> addresses(nsdAddress).equals(Set.of("192.0.2.99")));
    Await.until(
        "NSD's acknowledgement of the NOTIFY",
        Duration.ofSeconds(5),
        () -> authDns.metrics().xfr().notifiesAcked() > ackedBefore);
    assertTrue(nsd.isAlive(), "the same NSD process, never restarted");
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + authDns.httpAddress().getPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    System.out.println(metrics); // what authdns counted, next to NSD's log in the report
    assertTrue(metrics.contains("dnsplane_authdns_transfers_total{type="), metrics);
    assertTrue(metrics.contains("dnsplane_authdns_notify_acked_total "), metrics);
  }

  @Test
  void nsdWithOurKeyFollowsThroughSignedNotifyAndTransfers(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Nsd.installed(), "NSD is not installed (apt-get install nsd)");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    InetSocketAddress nsdAddress = startAuthDnsWithKey(secret);
    startNsd(dir, nsdAddress, authDns.dnsAddress().getPort(), KEY, secret);

    Await.until(
        "NSD to load sec.test by a signed AXFR and answer www (log: "
            + dir.resolve("nsd.log")
            + ")",
        Duration.ofSeconds(20),
        () -> addresses(nsdAddress).equals(Set.of("192.0.2.10")));
    assertTrue(authDns.metrics().xfr().tsigRequests("verified") >= 1, "NSD signed its request");
    long ackedBefore = authDns.metrics().xfr().notifiesAcked();
    update(db, "{192.0.2.99}");
    Await.until(
        "NSD to serve the changed www after our signed NOTIFY",
        Duration.ofSeconds(15),
        () -> addresses(nsdAddress).equals(Set.of("192.0.2.99")));
    Await.until(
        "NSD's signed acknowledgement of the NOTIFY",
        Duration.ofSeconds(5),
        () -> authDns.metrics().xfr().notifiesAcked() > ackedBefore);
    assertEquals(0, authDns.metrics().xfr().notifiesTsigFailed());
    assertEquals(0, authDns.metrics().xfr().tsigRequests("badsig"));
    assertTrue(nsd.log().contains("TSIG verified with key xfr.example"), nsd.log());
  }

  @Test
  void nsdWithAWrongSecretGetsNoZoneAndItsRepliesAreCounted(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Nsd.installed(), "NSD is not installed (apt-get install nsd)");
    byte[] ours = new byte[32];
    byte[] theirs = new byte[32];
    new SecureRandom().nextBytes(ours);
    new SecureRandom().nextBytes(theirs);
    InetSocketAddress nsdAddress = startAuthDnsWithKey(ours);
    startNsd(dir, nsdAddress, authDns.dnsAddress().getPort(), KEY, theirs);

    Await.until(
        "NSD's badly signed transfer request, answered NOTAUTH/BADSIG",
        Duration.ofSeconds(20),
        () -> authDns.metrics().xfr().tsigRequests("badsig") >= 1);
    Await.until(
        "NSD's unverifiable reply to our signed NOTIFY, counted",
        Duration.ofSeconds(20),
        () -> authDns.metrics().xfr().notifiesTsigFailed() >= 1);
    assertEquals(
        0,
        authDns.metrics().xfr().transfers("AXFR", "full")
            + authDns.metrics().xfr().transfers("IXFR", "full"),
        "nothing transferred");
    assertEquals(0, authDns.metrics().xfr().notifiesAcked());
    assertEquals(Rcode.SERVFAIL, rcode(nsdAddress), "NSD has no data for sec.test");
    assertFalse(Files.exists(dir.resolve("sec.test.zone")), "NSD wrote no zone file");
    assertTrue(nsd.log().contains("bad tsig signature"), nsd.log());
  }

  private static final Name KEY = Name.fromConstantString("xfr.example.");

  private TestDb db;

  private InetSocketAddress startAuthDnsWithKey(byte[] secret) throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    InetSocketAddress nsdAddress = new InetSocketAddress("127.0.0.1", Nsd.freePort());
    authDns =
        AuthDns.start(
            db.settings(),
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            new XfrConfig(
                TransferAcl.parse("127.0.0.1/32 " + KEY),
                List.of(new NotifyTarget(nsdAddress, KEY)),
                TsigKeys.of(List.of(new TsigKey(KEY, TSIG.HMAC_SHA256, secret)))));
    return nsdAddress;
  }

  private static void update(TestDb db, String rdata) throws Exception {
    try (Connection c = dnsplane.db.DbBootstrap.connect(db.settings());
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "UPDATE rrset SET rdata = '" + rdata + "' WHERE name = 'www.sec.test.' AND type = 'A'");
    }
  }

  private void startNsd(Path dir, InetSocketAddress at, int primaryPort) throws IOException {
    startNsd(dir, at, primaryPort, null, null);
  }

  /** NSD as our secondary; with {@code key}, it signs its transfers and wants signed NOTIFYs. */
  private void startNsd(Path dir, InetSocketAddress at, int primaryPort, Name key, byte[] secret)
      throws IOException {
    List<String> lines = new ArrayList<>();
    String keyName = "NOKEY";
    if (key != null) {
      keyName = key.toString(true);
      lines.addAll(
          List.of(
              "key:",
              "  name: " + keyName,
              "  algorithm: hmac-sha256",
              "  secret: \"" + Base64.getEncoder().encodeToString(secret) + "\""));
    }
    lines.addAll(
        List.of(
            "zone:",
            "  name: sec.test",
            "  zonefile: sec.test.zone",
            "  request-xfr: 127.0.0.1@" + primaryPort + " " + keyName,
            "  allow-notify: 127.0.0.1 " + keyName));
    nsd = Nsd.start(dir, at.getPort(), 2, lines);
  }

  /** The rcode NSD answers for www.sec.test A, or -1 without an answer. */
  private int rcode(InetSocketAddress server) {
    Message q = Message.newQuery(Record.newRecord(WWW, Type.A, DClass.IN));
    byte[] w = q.toWire();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(2000);
      s.send(new DatagramPacket(w, w.length, server));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return new Message(java.util.Arrays.copyOf(buf, p.getLength())).getRcode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The A addresses NSD answers for www.sec.test, or an empty set (no answer yet, SERVFAIL). */
  private Set<String> addresses(InetSocketAddress server) {
    assertTrue(nsd.isAlive(), "nsd exited");
    Message q = Message.newQuery(Record.newRecord(WWW, Type.A, DClass.IN));
    byte[] w = q.toWire();
    Set<String> out = new TreeSet<>();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(300);
      s.send(new DatagramPacket(w, w.length, server));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
      for (Record rec : r.getSection(Section.ANSWER)) {
        if (rec instanceof ARecord a) {
          out.add(a.getAddress().getHostAddress());
        }
      }
    } catch (IOException e) {
      // not up yet, or the reply was lost: the caller polls again
    }
    return out;
  }
}
