package dnsplane.authdns.xfr;

import static dnsplane.authdns.xfr.Versions.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.net.AuthDnsServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.testing.TransferClient;
import dnsplane.authdns.tsig.TsigKey;
import dnsplane.authdns.tsig.TsigKeys;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Incremental IXFR over real loopback sockets, with dnsjava's IXFR client (which applies the RFC
 * 1995 state machine and verifies TSIG on every message): differences, a difference spanning many
 * TCP messages signed throughout, the AXFR form once the journal no longer reaches the client, the
 * inline UDP answer, and the counters that tell incremental from full.
 */
class IxfrServerTest {
  private static final Name KEY = Name.fromConstantString("ixfr-key.");
  private static byte[] secret;
  private static Versions v;
  private static QueryMetrics metrics;
  private static XfrService xfr;
  private static AuthDnsServer server;

  @BeforeAll
  static void start() throws Exception {
    secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    v = new Versions(new JournalLimits(5, 100_000));
    metrics = new QueryMetrics();
    xfr =
        new XfrService(
            TransferAcl.parse("127.0.0.1/32, any " + KEY),
            TsigKeys.of(List.of(new TsigKey(KEY, TSIG.HMAC_SHA256, secret))),
            metrics.xfr(),
            v.journal);
    server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            v.holder,
            metrics,
            ServerOptions.defaults().withThreads(2),
            xfr);
    v.txt("a", "one"); // 11
    v.manyTxt("bulk", 3_000); // 12: about 130 KB of differences, three TCP messages at least
    v.remove("a", Type.TXT); // 13
    v.txt("www", "hello"); // 14
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (xfr != null) {
      xfr.close();
    }
  }

  private static TSIG tsig() {
    return new TSIG(TSIG.HMAC_SHA256, KEY, secret);
  }

  /** The zone's records as dnsjava's client ends up with them, applied to version {@code from}. */
  private static Set<String> applied(long from, List<ZoneTransferIn.Delta> deltas) {
    Set<String> held = Versions.texts(v.at(from));
    long serial = from;
    for (ZoneTransferIn.Delta d : deltas) {
      assertEquals(serial, d.start, "deltas chain from the client's serial");
      for (Record r : d.deletes) {
        if (r.getType() != Type.SOA) {
          assertTrue(held.remove(r.toString()), "deletes what it holds: " + r);
        }
      }
      for (Record r : d.adds) {
        if (r.getType() != Type.SOA) {
          assertTrue(held.add(r.toString()), "adds what it lacks: " + r);
        }
      }
      serial = d.end;
    }
    assertEquals(v.serial(), serial);
    return held;
  }

  @Test
  void aClientOneOrManyVersionsBehindGetsOneDifference() throws Exception {
    long before = metrics.xfr().transfers("IXFR", "incremental");
    for (long from : new long[] {13, 11, 10}) {
      ZoneTransferIn t = ZoneTransferIn.newIXFR(ZONE, from, false, server.address(), null);
      t.run();
      assertTrue(t.isIXFR(), "incremental from " + from);
      assertEquals(1, t.getIXFR().size(), "several versions condensed into one difference");
      assertEquals(Versions.texts(v.holder.get()), applied(from, t.getIXFR()));
    }
    assertEquals(before + 3, metrics.xfr().transfers("IXFR", "incremental"));
  }

  @Test
  void aSignedDifferenceOverManyMessagesIsSignedThroughout() throws Exception {
    Message q = Versions.ixfr(11);
    tsig().apply(q, null);
    List<byte[]> messages = TransferClient.tcp(server.address(), q.toWire(), null);
    assertTrue(messages.size() >= 3, "a multi-message difference: " + messages.size());
    TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(tsig(), q.getTSIG());
    List<Record> answer = new ArrayList<>();
    for (byte[] w : messages) {
      Message m = new Message(w);
      assertNotNull(m.getTSIG(), "every message signed");
      assertEquals(Rcode.NOERROR, verifier.verify(m, w));
      answer.addAll(m.getSection(Section.ANSWER));
    }
    assertEquals(Versions.texts(v.holder.get()), Versions.applyIxfr(v.at(11), answer, v.serial()));

    // dnsjava's own client, verifying as it goes.
    ZoneTransferIn t = ZoneTransferIn.newIXFR(ZONE, 11, false, server.address(), tsig());
    t.run();
    assertTrue(t.isIXFR());
    assertEquals(Versions.texts(v.holder.get()), applied(11, t.getIXFR()));
  }

  @Test
  void aSerialTheJournalNoLongerReachesGetsTheAxfrForm() throws Exception {
    // Two versions kept: after three, 10 is out of reach and 11 is the oldest reached.
    Versions w = new Versions(new JournalLimits(2, 100_000));
    w.txt("a", "1");
    w.txt("a", "2");
    w.txt("a", "3");
    QueryMetrics m = new QueryMetrics();
    try (XfrService x =
            new XfrService(TransferAcl.loopback(), TsigKeys.none(), m.xfr(), w.journal);
        AuthDnsServer s =
            AuthDnsServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                w.holder,
                m,
                ServerOptions.defaults().withThreads(1),
                x)) {
      ZoneTransferIn old = ZoneTransferIn.newIXFR(ZONE, 10, false, s.address(), null);
      old.run();
      assertTrue(old.isAXFR(), "10 is older than the journal: the whole zone (RFC 1995 §4)");
      assertEquals(TransferSplitter.axfrSequence(w.holder.get().records(ZONE)), old.getAXFR());
      ZoneTransferIn recent = ZoneTransferIn.newIXFR(ZONE, 11, false, s.address(), null);
      recent.run();
      assertTrue(recent.isIXFR(), "11 is still reached");
      assertEquals(1, m.xfr().transfers("IXFR", "full"));
      assertEquals(1, m.xfr().transfers("IXFR", "incremental"));
    }
  }

  @Test
  void overUdpASmallDifferenceIsAnsweredInlineALargeOneTruncated() throws Exception {
    Message small = TransferClient.udp(server.address(), Versions.ixfr(13).toWire());
    assertFalse(small.getHeader().getFlag(Flags.TC));
    assertEquals(
        Versions.texts(v.holder.get()),
        Versions.applyIxfr(v.at(13), small.getSection(Section.ANSWER), v.serial()));

    Message large = TransferClient.udp(server.address(), Versions.ixfr(11).toWire());
    assertTrue(large.getHeader().getFlag(Flags.TC), "3,000 records: retry over TCP");
    assertTrue(large.getSection(Section.ANSWER).isEmpty());

    Message q = Versions.ixfr(13);
    tsig().apply(q, null);
    byte[] w = TransferClient.udpBytes(server.address(), q.toWire());
    Message signed = new Message(w);
    assertEquals(Rcode.NOERROR, tsig().verify(signed, w, q.getTSIG()), "signed inline answer");
    assertFalse(signed.getHeader().getFlag(Flags.TC));
  }

  @Test
  void metricsTellIncrementalFromFullAndShowTheJournal() throws Exception {
    ZoneTransferIn t = ZoneTransferIn.newIXFR(ZONE, 13, false, server.address(), null);
    t.run();
    StringWriter out = new StringWriter();
    metrics.writePrometheus(out);
    String text = out.toString();
    assertTrue(
        text.contains("dnsplane_authdns_transfers_total{type=\"IXFR\",result=\"incremental\"}"),
        text);
    assertTrue(text.contains("dnsplane_authdns_ixfr_journal_versions 4"), text);
    assertTrue(text.contains("dnsplane_authdns_ixfr_journal_records " + v.journal.records()), text);
    Set<String> lines = new TreeSet<>(List.of(text.split("\n")));
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("dnsplane_authdns_ixfr_journal_resets_total")));
  }
}
