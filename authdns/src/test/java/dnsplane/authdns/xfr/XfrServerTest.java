package dnsplane.authdns.xfr;

import static dnsplane.authdns.xfr.TransferSplitterTest.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.net.AuthDnsServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Zone transfers over real loopback sockets with dnsjava's own AXFR/IXFR client, against a 20,000
 * record zone, with transfers allowed to 127.0.0.1 only.
 */
class XfrServerTest {
  private static final Name VER = Name.fromConstantString("ver.big.test.");
  private static SnapshotHolder holder;
  private static QueryMetrics metrics;
  private static XfrService xfr;
  private static AuthDnsServer server;

  @BeforeAll
  static void start() throws Exception {
    holder =
        new SnapshotHolder(ZoneSet.fromMasterText(TransferSplitterTest.zoneText(20_000), ZONE));
    metrics = new QueryMetrics();
    xfr = new XfrService(TransferAcl.parse("127.0.0.1/32"), metrics.xfr());
    server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            holder,
            metrics,
            ServerOptions.defaults().withThreads(2),
            xfr);
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

  private static ZoneTransferIn axfr() {
    ZoneTransferIn t = ZoneTransferIn.newAXFR(ZONE, server.address(), null);
    t.setTimeout(java.time.Duration.ofSeconds(10));
    return t;
  }

  @Test
  void axfrOfA20000RecordZoneArrivesCompleteAndInOrder() throws Exception {
    ZoneTransferIn t = axfr();
    t.run();
    assertTrue(t.isAXFR());
    List<Record> expected = TransferSplitter.axfrSequence(holder.get().records(ZONE));
    assertTrue(expected.size() >= 20_004, "20,000 hosts, SOA twice, NS, ns1 (and ver, if changed)");
    assertEquals(expected, t.getAXFR());
    assertEquals(holder.get().serial(ZONE), ((SOARecord) t.getAXFR().get(0)).getSerial());
    assertTrue(metrics.xfr().transfers("AXFR", "full") >= 1);
  }

  @Test
  void aClientOutsideAllowTransferIsRefused() {
    ZoneTransferIn t = axfr();
    t.setLocalAddress(new InetSocketAddress("127.0.0.2", 0));
    ZoneTransferException e = assertThrows(ZoneTransferException.class, t::run);
    assertTrue(e.getMessage().contains("REFUSED"), e.getMessage());
    assertTrue(metrics.xfr().transfers("AXFR", "refused") >= 1);
  }

  @Test
  void aZoneNotOursIsRefused() {
    ZoneTransferIn t =
        ZoneTransferIn.newAXFR(Name.fromConstantString("example.org."), server.address(), null);
    ZoneTransferException e = assertThrows(ZoneTransferException.class, t::run);
    assertTrue(e.getMessage().contains("REFUSED"), e.getMessage());
  }

  @Test
  void ixfrUpToDateIsTheSoaAloneAndOlderGetsTheWholeZone() throws Exception {
    long serial = holder.get().serial(ZONE);
    ZoneTransferIn current = ZoneTransferIn.newIXFR(ZONE, serial, false, server.address(), null);
    current.run();
    assertTrue(current.isCurrent(), "up to date");

    ZoneTransferIn older = ZoneTransferIn.newIXFR(ZONE, serial - 1, false, server.address(), null);
    older.run();
    assertTrue(older.isAXFR(), "a full transfer in AXFR form (RFC 1995 §4)");
    assertEquals(TransferSplitter.axfrSequence(holder.get().records(ZONE)), older.getAXFR());
  }

  @Test
  void overUdpAxfrIsNotImpIxfrIsTruncatedOrTheSoaAndNotifyIsRefused() throws Exception {
    long serial = holder.get().serial(ZONE);
    Message axfr = udp(Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN)));
    assertEquals(Rcode.NOTIMP, axfr.getRcode());

    Message older = udp(ixfrQuery(serial - 1));
    assertEquals(Rcode.NOERROR, older.getRcode());
    assertTrue(older.getHeader().getFlag(Flags.TC), "TC: retry over TCP");
    assertTrue(older.getSection(Section.ANSWER).isEmpty());

    Message current = udp(ixfrQuery(serial));
    assertEquals(1, current.getSection(Section.ANSWER).size());
    assertEquals(Type.SOA, current.getSection(Section.ANSWER).get(0).getType());

    Message notify = Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.IN));
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.getHeader().unsetFlag(Flags.RD);
    notify.getHeader().setFlag(Flags.AA);
    Message r = udp(notify);
    assertEquals(Rcode.REFUSED, r.getRcode());
    assertEquals(Opcode.NOTIFY, r.getHeader().getOpcode());
  }

  @Test
  void overUdpIxfrFromAClientOutsideAllowTransferIsRefused() throws Exception {
    long serial = holder.get().serial(ZONE);
    long before = metrics.xfr().transfers("IXFR", "refused");
    for (long theirs : new long[] {serial - 1, serial}) {
      Message r = udp(ixfrQuery(theirs), "127.0.0.2");
      assertEquals(Rcode.REFUSED, r.getRcode(), "NSD checks provide-xfr for IXFR over UDP too");
      assertTrue(r.getSection(Section.ANSWER).isEmpty(), "not even the SOA");
    }
    assertEquals(before + 2, metrics.xfr().transfers("IXFR", "refused"));
    // an ordinary query from the same address is still answered
    assertEquals(
        Rcode.NOERROR,
        udp(Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.IN)), "127.0.0.2").getRcode());
  }

  @Test
  void aTransferDuringChangesComesFromOneSnapshot() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong changes = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              long serial = holder.get().serial(ZONE);
              while (!stop.get()) {
                serial++;
                Record txt = new TXTRecord(VER, DClass.IN, 60, Long.toString(serial));
                holder.set(
                    holder
                        .get()
                        .apply(
                            List.of(
                                new ZoneChange.RrsetReplaced(
                                    ZONE, VER, Type.TXT, List.of(txt), serial))));
                changes.incrementAndGet();
              }
            });
    writer.start();
    try {
      for (int i = 0; i < 5; i++) {
        ZoneTransferIn t = axfr();
        t.run();
        List<Record> got = t.getAXFR();
        long first = ((SOARecord) got.get(0)).getSerial();
        long last = ((SOARecord) got.get(got.size() - 1)).getSerial();
        assertEquals(first, last, "SOA first and last agree");
        String ver =
            got.stream()
                .filter(r -> r.getName().equals(VER))
                .map(r -> ((TXTRecord) r).getStrings().get(0))
                .findFirst()
                .orElse(null);
        if (ver != null) {
          assertEquals(Long.toString(first), ver, "the TXT written with that serial");
        }
      }
    } finally {
      stop.set(true);
      writer.join();
    }
    assertTrue(changes.get() > 5, "the zone changed during the transfers: " + changes.get());
  }

  private static Message ixfrQuery(long serial) {
    Message m = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
    m.addRecord(
        new SOARecord(ZONE, DClass.IN, 0, ZONE, ZONE, serial, 0, 0, 0, 0), Section.AUTHORITY);
    return m;
  }

  private static Message udp(Message q) throws Exception {
    return udp(q, "127.0.0.1");
  }

  private static Message udp(Message q, String from) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setSoTimeout(3000);
      byte[] w = q.toWire();
      s.send(new DatagramPacket(w, w.length, server.address()));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
      assertEquals(q.getHeader().getID(), r.getHeader().getID());
      return r;
    }
  }
}
