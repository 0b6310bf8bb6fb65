package dnsplane.authdns.xfr;

import static dnsplane.authdns.xfr.TransferSplitterTest.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.net.AuthDnsServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.testing.Nsd;
import dnsplane.authdns.testing.TransferClient;
import dnsplane.authdns.tsig.TsigKey;
import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * TSIG on zone transfers over real loopback sockets: a 5,000-record zone that takes several
 * messages, transfers allowed to 127.0.0.1 with key k1 and to 127.0.0.2 unsigned. The bad cases are
 * sent to a real NSD 4.6 primary with the same zone and keys too, and the answers must have the
 * same shape (rcode, flags, question, TSIG error, MAC and other-data sizes).
 */
class TsigXfrTest {
  private static final Name K1 = Name.fromConstantString("k1.");
  private static final Name K2 = Name.fromConstantString("k2.");
  private static final Name UNKNOWN = Name.fromConstantString("nokey.");
  private static byte[] secret1;
  private static byte[] secret2;
  private static SnapshotHolder holder;
  private static QueryMetrics metrics;
  private static XfrService xfr;
  private static AuthDnsServer server;
  private static Nsd nsd;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    SecureRandom random = new SecureRandom();
    secret1 = new byte[32];
    secret2 = new byte[32];
    random.nextBytes(secret1);
    random.nextBytes(secret2);
    String zone = TransferSplitterTest.zoneText(5_000);
    holder = new SnapshotHolder(ZoneSet.fromMasterText(zone, ZONE));
    metrics = new QueryMetrics();
    TsigKeys keys =
        TsigKeys.of(
            List.of(
                new TsigKey(K1, TSIG.HMAC_SHA256, secret1),
                new TsigKey(K2, TSIG.HMAC_SHA256, secret2)));
    xfr = new XfrService(TransferAcl.parse("127.0.0.1/32 k1,127.0.0.2/32"), keys, metrics.xfr());
    server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            holder,
            metrics,
            ServerOptions.defaults().withThreads(2),
            xfr);
    if (Nsd.installed()) {
      Files.writeString(dir.resolve("big.test.zone"), zone);
      nsd =
          Nsd.start(
              dir,
              Nsd.freePort(),
              2,
              List.of(
                  "key:",
                  "  name: k1",
                  "  algorithm: hmac-sha256",
                  "  secret: \"" + Base64.getEncoder().encodeToString(secret1) + "\"",
                  "key:",
                  "  name: k2",
                  "  algorithm: hmac-sha256",
                  "  secret: \"" + Base64.getEncoder().encodeToString(secret2) + "\"",
                  "zone:",
                  "  name: big.test",
                  "  zonefile: big.test.zone",
                  "  provide-xfr: 127.0.0.1 k1",
                  "  provide-xfr: 127.0.0.2 NOKEY"));
      Message soa = Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.IN));
      dnsplane.db.testing.Await.until(
          "NSD to serve big.test", Duration.ofSeconds(10), () -> answersSoa(soa));
    }
  }

  private static boolean answersSoa(Message q) {
    try {
      return TransferClient.udp(nsd.address(), q.toWire()).getRcode() == Rcode.NOERROR;
    } catch (IOException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (xfr != null) {
      xfr.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  private static TSIG tsig(Name name, byte[] secret) {
    return new TSIG(TSIG.HMAC_SHA256, name, secret);
  }

  private static TSIG skewed(Duration by) {
    return new TSIG(
        TSIG.HMAC_SHA256,
        K1,
        new SecretKeySpec(secret1, "HmacSHA256"),
        Clock.offset(Clock.systemUTC(), by));
  }

  private static Message query(Name name, int type) {
    Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    m.getHeader().unsetFlag(Flags.RD);
    return m;
  }

  private static Message ixfr(long serial) {
    Message m = query(ZONE, Type.IXFR);
    m.addRecord(
        new SOARecord(ZONE, DClass.IN, 0, ZONE, ZONE, serial, 0, 0, 0, 0), Section.AUTHORITY);
    return m;
  }

  private static byte[] signed(Message m, TSIG key) {
    if (key != null) {
      key.apply(m, null);
    }
    return m.toWire();
  }

  @Test
  void theRightKeyGetsEveryMessageOfATransferSignedAndVerifying() throws Exception {
    long before = metrics.xfr().tsigRequests("verified");
    Message q = query(ZONE, Type.AXFR);
    List<byte[]> messages =
        TransferClient.tcp(server.address(), signed(q, tsig(K1, secret1)), null);
    assertTrue(messages.size() >= 3, "a multi-message transfer: " + messages.size());
    TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(tsig(K1, secret1), q.getTSIG());
    List<Record> records = new ArrayList<>();
    for (byte[] w : messages) {
      assertTrue(w.length <= 65535);
      Message m = new Message(w);
      assertNotNull(m.getTSIG(), "every message is signed, not only every 100th");
      assertEquals(Rcode.NOERROR, verifier.verify(m, w));
      assertTrue(m.isVerified());
      records.addAll(m.getSection(Section.ANSWER));
    }
    assertEquals(TransferSplitter.axfrSequence(holder.get().records(ZONE)), records);
    assertTrue(metrics.xfr().tsigRequests("verified") > before);

    // dnsjava's own client, which checks the signatures as it goes.
    ZoneTransferIn t = ZoneTransferIn.newAXFR(ZONE, server.address(), tsig(K1, secret1));
    t.run();
    assertEquals(records, t.getAXFR());
  }

  @Test
  void aSignedIxfrIsSignedToo() throws Exception {
    long serial = holder.get().serial(ZONE);
    ZoneTransferIn older =
        ZoneTransferIn.newIXFR(ZONE, serial - 1, false, server.address(), tsig(K1, secret1));
    older.run();
    assertTrue(older.isAXFR());
    assertEquals(TransferSplitter.axfrSequence(holder.get().records(ZONE)), older.getAXFR());
    ZoneTransferIn current =
        ZoneTransferIn.newIXFR(ZONE, serial, false, server.address(), tsig(K1, secret1));
    current.run();
    assertTrue(current.isCurrent());

    // Over UDP: the SOA alone, or TC, signed.
    for (long s : new long[] {serial, serial - 1}) {
      Message q = ixfr(s);
      byte[] w = TransferClient.udpBytes(server.address(), signed(q, tsig(K1, secret1)));
      Message r = new Message(w);
      assertNotNull(r.getTSIG());
      assertEquals(Rcode.NOERROR, tsig(K1, secret1).verify(r, w, q.getTSIG()));
      assertEquals(s == serial, !r.getHeader().getFlag(Flags.TC));
    }
  }

  @Test
  void anAddressOnlyEntryStillTransfersUnsigned() throws Exception {
    ZoneTransferIn t = ZoneTransferIn.newAXFR(ZONE, server.address(), null);
    t.setLocalAddress(new InetSocketAddress("127.0.0.2", 0));
    t.run();
    assertEquals(TransferSplitter.axfrSequence(holder.get().records(ZONE)), t.getAXFR());
  }

  @Test
  void badRequestsGetWhatNsdAnswersAndAreCounted() throws Exception {
    long refused = metrics.xfr().transfers("AXFR", "refused");
    long notauth = metrics.xfr().transfers("AXFR", "notauth");
    long badkey = metrics.xfr().tsigRequests("badkey");
    long badsig = metrics.xfr().tsigRequests("badsig");
    long badtime = metrics.xfr().tsigRequests("badtime");

    // (a) unsigned, where 127.0.0.1 needs k1: REFUSED, question echoed, no TSIG.
    Message r = same(query(ZONE, Type.AXFR), null, null, true);
    assertEquals(Rcode.REFUSED, r.getRcode());
    assertNull(r.getTSIG());
    // (b) a key we do not have: NOTAUTH, no question, TSIG error BADKEY with an empty MAC.
    r = same(query(ZONE, Type.AXFR), tsig(UNKNOWN, secret1), null, true);
    assertEquals(Rcode.NOTAUTH, r.getRcode());
    assertEquals(Rcode.BADKEY, r.getTSIG().getError());
    // (c) the right name, the wrong secret: NOTAUTH, BADSIG.
    r = same(query(ZONE, Type.AXFR), tsig(K1, secret2), null, true);
    assertEquals(Rcode.NOTAUTH, r.getRcode());
    assertEquals(Rcode.BADSIG, r.getTSIG().getError());
    // (d) a clock 1000 s off (fudge 300): NOTAUTH, BADTIME, the request's time signed and our
    // time in the other data.
    Message skewedQuery = query(ZONE, Type.AXFR);
    r = same(skewedQuery, skewed(Duration.ofSeconds(1000)), null, true);
    assertEquals(Rcode.NOTAUTH, r.getRcode());
    assertEquals(Rcode.BADTIME, r.getTSIG().getError());
    assertEquals(
        skewedQuery.getTSIG().getTimeSigned().getEpochSecond(),
        r.getTSIG().getTimeSigned().getEpochSecond());
    assertEquals(6, r.getTSIG().getOther().length);
    // (e) a key we have, but not the one the ACL names: REFUSED, signed with it.
    Message q = query(ZONE, Type.AXFR);
    r = same(q, tsig(K2, secret2), null, true);
    assertEquals(Rcode.REFUSED, r.getRcode());
    // (f) UDP queries: a bad signature is NOTAUTH there too; a good one gets a signed answer.
    r =
        same(
            query(Name.fromConstantString("ns1.big.test."), Type.A),
            tsig(K1, secret2),
            null,
            false);
    assertEquals(Rcode.NOTAUTH, r.getRcode());
    q = query(Name.fromConstantString("ns1.big.test."), Type.A);
    byte[] w = TransferClient.udpBytes(server.address(), signed(q, tsig(K1, secret1)));
    r = new Message(w);
    assertEquals(Rcode.NOERROR, tsig(K1, secret1).verify(r, w, q.getTSIG()));
    assertTrue(r.getSection(Section.ANSWER).get(0) instanceof ARecord);

    assertTrue(metrics.xfr().transfers("AXFR", "refused") >= refused + 2);
    assertTrue(metrics.xfr().transfers("AXFR", "notauth") >= notauth + 3);
    assertTrue(metrics.xfr().tsigRequests("badkey") > badkey);
    assertTrue(metrics.xfr().tsigRequests("badsig") >= badsig + 2);
    assertTrue(metrics.xfr().tsigRequests("badtime") > badtime);
    StringBuilder text = new StringBuilder();
    metrics.xfr().writePrometheus(text);
    assertTrue(
        text.toString().contains("dnsplane_authdns_tsig_requests_total{result=\"badsig\"}"),
        text.toString());
    assertTrue(
        text.toString()
            .contains("dnsplane_authdns_transfers_total{type=\"AXFR\",result=\"notauth\"}"),
        text.toString());
  }

  @Test
  void aMisplacedOrGarbledTsigNeverCrashesAnything() throws Exception {
    // A TSIG record that is not the last: dnsjava refuses to parse the query, so FORMERR.
    Message q = query(Name.fromConstantString("ns1.big.test."), Type.A);
    tsig(K1, secret1).apply(q, null);
    q.addRecord(
        new ARecord(ZONE, DClass.IN, 0, java.net.InetAddress.getByName("192.0.2.1")),
        Section.ADDITIONAL);
    Message r = TransferClient.udp(server.address(), q.toWire());
    assertEquals(Rcode.FORMERR, r.getRcode());
    assertNull(r.getTSIG(), "no TSIG echoed");
    // A TSIG with a truncated MAC: BADSIG, not an exception.
    Message q2 = query(Name.fromConstantString("ns1.big.test."), Type.A);
    tsig(K1, secret1).apply(q2, null);
    TSIGRecord t = q2.getTSIG();
    q2.removeRecord(t, Section.ADDITIONAL);
    q2.addRecord(
        new TSIGRecord(
            t.getName(),
            DClass.ANY,
            0,
            t.getAlgorithm(),
            t.getTimeSigned(),
            t.getFudge(),
            new byte[3],
            t.getOriginalID(),
            0,
            null),
        Section.ADDITIONAL);
    r = TransferClient.udp(server.address(), q2.toWire());
    assertEquals(Rcode.NOTAUTH, r.getRcode());
    assertEquals(Rcode.BADSIG, r.getTSIG().getError());
    // And ordinary service goes on.
    assertEquals(
        Rcode.NOERROR,
        TransferClient.udp(
                server.address(), query(Name.fromConstantString("ns1.big.test."), Type.A).toWire())
            .getRcode());
  }

  /**
   * Sends {@code q} signed with {@code key} to authdns and, when NSD is installed, to NSD; asserts
   * the two answers have the same shape and returns authdns's. A signed answer is checked to
   * verify.
   */
  private static Message same(Message q, TSIG key, TSIG verifyWith, boolean overTcp)
      throws Exception {
    byte[] wire = signed(q, key);
    Message ours = first(server.address(), wire, overTcp);
    verifyIfSigned(ours, q, key);
    if (nsd != null) {
      Message theirs = first(nsd.address(), wire, overTcp);
      assertEquals(shape(theirs), shape(ours), "NSD vs authdns for " + q.getQuestion());
    }
    return ours;
  }

  private static void verifyIfSigned(Message r, Message q, TSIG key) throws Exception {
    TSIGRecord t = r.getTSIG();
    if (t != null && t.getSignature().length > 0) {
      assertEquals(Rcode.NOERROR, key.verify(r, r.toWire(), q.getTSIG()), "signed answer verifies");
    }
  }

  private static String shape(Message m) {
    TSIGRecord t = m.getTSIG();
    return Rcode.string(m.getRcode())
        + " flags="
        + m.getHeader().printFlags()
        + " qd="
        + m.getHeader().getCount(Section.QUESTION)
        + " an="
        + m.getHeader().getCount(Section.ANSWER)
        + (t == null
            ? " no TSIG"
            : " TSIG "
                + t.getName()
                + " "
                + t.getAlgorithm()
                + " error="
                + Rcode.TSIGstring(t.getError())
                + " mac="
                + t.getSignature().length
                + " other="
                + (t.getOther() == null ? 0 : t.getOther().length)
                + " fudge="
                + t.getFudge().getSeconds()
                + " origId="
                + t.getOriginalID());
  }

  private static Message first(InetSocketAddress to, byte[] wire, boolean overTcp)
      throws IOException {
    return overTcp
        ? new Message(TransferClient.tcp(to, wire, null).get(0))
        : TransferClient.udp(to, wire);
  }
}
