package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * How XfrService takes requests it cannot answer as transfers (fuzz finding F2): a name over 255
 * octets is not a transfer request, and a request dnsjava reads without a question (it tolerates a
 * broken question when TC is set) goes back to the ordinary path instead of throwing.
 */
class XfrServiceTest {
  private static final ZoneSet ZONES = ZoneFixtures.load(ZoneFixtures.TRICKY, ZoneFixtures.CHILD);
  private static final XfrService XFR = new XfrService(TransferAcl.loopback(), new XfrMetrics());

  @AfterAll
  static void stop() {
    XFR.close();
  }

  /** A query for AXFR with TC as given, for a name of labels of the given sizes. */
  private static byte[] axfr(boolean tc, int... labelSizes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x12, 0x34, (byte) (tc ? 0x02 : 0), 0, 0, 1, 0, 0, 0, 0, 0, 0});
    for (int size : labelSizes) {
      b.write(size);
      b.writeBytes("a".repeat(size).getBytes(StandardCharsets.US_ASCII));
    }
    b.writeBytes(new byte[] {0, 0, (byte) Type.AXFR, 0, 1});
    return b.toByteArray();
  }

  private static boolean isTransfer(byte[] q) {
    return XfrService.isTransfer(Unpooled.wrappedBuffer(q));
  }

  @Test
  void aNameOverTheLimitIsNotATransferRequest() {
    // 3 × (1 + 63) + (1 + 61) + the root's 1 = 255 octets: the longest name there is.
    byte[] longest = axfr(false, 63, 63, 63, 61);
    assertEquals(12 + 255 + 4, longest.length);
    assertTrue(isTransfer(longest), "255 octets");
    assertFalse(isTransfer(axfr(false, 63, 63, 63, 62)), "256 octets, which dnsjava rejects");
    assertFalse(isTransfer(axfr(true, 63, 63, 63, 63, 63)), "the F2 frame: 321 octets");
  }

  @Test
  void aRequestReadWithoutAQuestionIsLeftToTheOrdinaryPath() throws Exception {
    byte[] f2 = axfr(true, 63, 63, 63, 63, 63);
    Message parsed = new Message(f2);
    assertNull(parsed.getQuestion(), "dnsjava drops the question it cannot read when TC is set");
    assertNull(XFR.transfer(ZONES, f2, InetAddress.getLoopbackAddress()));
  }

  @Test
  void anOrdinaryAxfrIsStillATransfer() throws Exception {
    byte[] q =
        Message.newQuery(Record.newRecord(ZoneFixtures.TRICKY, Type.AXFR, DClass.IN)).toWire();
    assertTrue(isTransfer(q));
    assertNotNull(XFR.transfer(ZONES, q, InetAddress.getLoopbackAddress()));
  }
}
