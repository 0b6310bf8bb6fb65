package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.xfr.TransferAcl;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A zone transfer request that breaks the transfer path still gets an answer, and the connection
 * goes on taking queries (fuzz finding F2: TC set, a 321-octet question name and AXFR made the xfr
 * worker throw; the client got nothing and the connection sat with reading paused until the idle
 * timeout).
 */
class TcpTransferFailureTest {
  /**
   * The F2 frame: ID 0x1234, TC, one question of five 63-octet labels (321 octets with the root),
   * AXFR IN.
   */
  static byte[] tcLongNameAxfr() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x12, 0x34, 0x02, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
    for (int i = 0; i < 5; i++) {
      b.write(63);
      b.writeBytes("a".repeat(63).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    b.writeBytes(new byte[] {0, 0, (byte) Type.AXFR, 0, 1});
    return b.toByteArray();
  }

  private static byte[] query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
  }

  @Test
  void theF2FrameIsAnsweredAndTheConnectionKeepsServing() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (XfrService xfr = new XfrService(TransferAcl.loopback(), metrics.xfr());
        AuthDnsServer server =
            AuthDnsServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new SnapshotHolder(ZoneFixtures.load(TRICKY)),
                metrics,
                // An idle timeout far beyond the read deadline: a reply that only comes because
                // the server closed an idle connection would not count.
                ServerOptions.defaults().withThreads(1).withTcpIdle(Duration.ofSeconds(60)),
                xfr);
        Socket s = RawClient.connect(server.address())) {
      // RawClient's read deadline (3 s) is the bound: before the fix no reply ever came.
      RawClient.writeFrame(s.getOutputStream(), tcLongNameAxfr());
      Message r = new Message(RawClient.readFrame(s));
      assertEquals(0x1234, r.getHeader().getID());
      assertEquals(Rcode.FORMERR, r.getRcode(), "as the UDP path answers the same bytes");

      byte[] q = query("www.tricky.test.");
      RawClient.writeFrame(s.getOutputStream(), q);
      Message a = new Message(RawClient.readFrame(s));
      assertEquals(new Message(q).getHeader().getID(), a.getHeader().getID());
      assertEquals(Rcode.NOERROR, a.getRcode());
      assertFalse(a.getSection(org.xbill.DNS.Section.ANSWER).isEmpty());
    }
  }

  /** LengthFieldPrepender emits the 2-byte prefix and the body as separate buffers. */
  private static Message reply(EmbeddedChannel ch) throws Exception {
    ByteBuf prefix = ch.readOutbound();
    ByteBuf body = ch.readOutbound();
    try {
      assertEquals(prefix.readUnsignedShort(), body.readableBytes(), "prefix matches the body");
      return new Message(ByteBufUtil.getBytes(body));
    } finally {
      prefix.release();
      body.release();
    }
  }

  @Test
  void aTransferThatThrowsIsAnsweredServfailAndReadingResumes() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (XfrService xfr = new XfrService(TransferAcl.loopback(), metrics.xfr())) {
      // The transfer runs on the calling thread (the embedded event loop's), so the test needs no
      // waiting: its answer is queued as an event-loop task, run by runPendingTasks.
      TransferRouter failing =
          new TransferRouter(
              xfr,
              Runnable::run,
              (zones, query, client) -> {
                throw new IllegalStateException("a transfer bug (expected in this test)");
              });
      QueryProcessor p =
          new QueryProcessor(
              new SnapshotHolder(ZoneFixtures.load(TRICKY)),
              metrics,
              1232,
              100,
              Clock.systemUTC(),
              QueryProcessor.STANDARD,
              failing);
      TcpHandler handler = new TcpHandler(p, TcpLimits.defaults());
      EmbeddedChannel ch = new EmbeddedChannel(new LengthFieldPrepender(2), handler);
      byte[] axfr = Message.newQuery(Record.newRecord(TRICKY, Type.AXFR, DClass.IN)).toWire();
      byte[] a = query("www.tricky.test.");
      // Both in one read: the second must wait for the transfer, then be answered.
      byte[] both = new byte[axfr.length + a.length + 4];
      System.arraycopy(RawClient.frame(axfr), 0, both, 0, axfr.length + 2);
      System.arraycopy(RawClient.frame(a), 0, both, axfr.length + 2, a.length + 2);
      ch.writeInbound(Unpooled.wrappedBuffer(both));
      ch.runPendingTasks();
      ch.flushOutbound();

      Message servfail = reply(ch);
      assertEquals(new Message(axfr).getHeader().getID(), servfail.getHeader().getID());
      assertEquals(Rcode.SERVFAIL, servfail.getRcode());
      assertTrue(servfail.getHeader().getFlag(Flags.QR));
      Message answer = reply(ch);
      assertEquals(new Message(a).getHeader().getID(), answer.getHeader().getID());
      assertEquals(Rcode.NOERROR, answer.getRcode());
      assertTrue(ch.config().isAutoRead(), "reading resumed after the failed transfer");
      assertNull(ch.readOutbound());
      StringBuilder sb = new StringBuilder();
      metrics.writePrometheus(sb);
      assertTrue(
          sb.toString().contains("dnsplane_authdns_internal_errors_total 1\n"), sb.toString());
      assertFalse(ch.finish());
    }
  }
}
