package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.testing.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The NOTIFY sender over real loopback UDP, against a fake secondary that we control. */
class NotifierTest {

  @Test
  void aLostNotifyIsResentAndTheAcknowledgementEndsIt() throws Exception {
    ZoneSet zones =
        ZoneSet.fromMasterText(TransferSplitterTest.zoneText(3), TransferSplitterTest.ZONE);
    XfrMetrics metrics = new XfrMetrics();
    try (DatagramSocket secondary = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Notifier n =
            Notifier.start(
                List.of((InetSocketAddress) secondary.getLocalSocketAddress()),
                Clock.systemUTC(),
                metrics,
                Duration.ofMillis(50),
                5)) {
      secondary.setSoTimeout(5000);
      n.swapped(ZoneSet.empty(), zones);
      receive(secondary); // the first NOTIFY, "lost": not answered
      DatagramPacket second = receive(secondary);
      Message m = new Message(java.util.Arrays.copyOf(second.getData(), second.getLength()));
      assertEquals(Opcode.NOTIFY, m.getHeader().getOpcode());
      assertTrue(m.getHeader().getFlag(Flags.AA));
      assertEquals(Type.SOA, m.getQuestion().getType());
      assertEquals(TransferSplitterTest.ZONE, m.getQuestion().getName());
      SOARecord soa = (SOARecord) m.getSection(Section.ANSWER).get(0);
      assertEquals(zones.serial(TransferSplitterTest.ZONE), soa.getSerial());
      Message ack = new Message(m.getHeader().getID());
      ack.getHeader().setFlag(Flags.QR);
      ack.getHeader().setOpcode(Opcode.NOTIFY);
      ack.addRecord(m.getQuestion(), Section.QUESTION);
      byte[] w = ack.toWire();
      secondary.send(new DatagramPacket(w, w.length, second.getSocketAddress()));
      Await.until("the acknowledgement", Duration.ofSeconds(5), () -> metrics.notifiesAcked() == 1);
      assertTrue(metrics.notifiesSent() >= 2);
      assertEquals(0, metrics.notifiesFailed());
    }
  }

  @Test
  void aSecondaryThatNeverAnswersIsGivenUpOnAfterTheLastAttempt() throws Exception {
    ZoneSet zones =
        ZoneSet.fromMasterText(TransferSplitterTest.zoneText(1), TransferSplitterTest.ZONE);
    XfrMetrics metrics = new XfrMetrics();
    try (DatagramSocket secondary = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Notifier n =
            Notifier.start(
                List.of((InetSocketAddress) secondary.getLocalSocketAddress()),
                Clock.systemUTC(),
                metrics,
                Duration.ofMillis(20),
                3)) {
      n.swapped(ZoneSet.empty(), zones);
      Await.until("giving up", Duration.ofSeconds(5), () -> metrics.notifiesFailed() == 1);
      assertEquals(3, metrics.notifiesSent());
      assertEquals(0, metrics.notifiesAcked());
    }
  }

  private static DatagramPacket receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    s.receive(p);
    return p;
  }
}
