package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The TCP pipeline without sockets (Netty's TcpDnsTest style). */
class TcpHandlerTest {
  private static EmbeddedChannel channel() {
    QueryProcessor p =
        new QueryProcessor(
            new SnapshotHolder(ZoneFixtures.load(TRICKY)),
            new QueryMetrics(),
            1232,
            100,
            Clock.systemUTC());
    return new EmbeddedChannel(new LengthFieldPrepender(2), new TcpHandler(p));
  }

  private static byte[] query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
  }

  /** LengthFieldPrepender emits the 2-byte prefix and the body as separate buffers. */
  private static Message reply(EmbeddedChannel ch) throws Exception {
    ByteBuf prefix = ch.readOutbound();
    ByteBuf body = ch.readOutbound();
    try {
      assertEquals(2, prefix.readableBytes());
      assertEquals(prefix.readUnsignedShort(), body.readableBytes(), "prefix matches the body");
      return new Message(ByteBufUtil.getBytes(body));
    } finally {
      prefix.release();
      body.release();
    }
  }

  @Test
  void twoQueriesSplitAcrossReadsAreAnsweredInOrder() throws Exception {
    EmbeddedChannel ch = channel();
    byte[] a = RawClient.frame(query("www.tricky.test."));
    byte[] b = RawClient.frame(query("nothere.tricky.test."));
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    // Deliver in two arbitrary pieces: the framer must reassemble.
    ch.writeInbound(Unpooled.wrappedBuffer(both, 0, 5));
    assertNull(ch.readOutbound(), "nothing before a whole frame");
    ch.writeInbound(Unpooled.wrappedBuffer(both, 5, both.length - 5));
    ch.flushOutbound();
    assertEquals(Rcode.NOERROR, reply(ch).getRcode());
    assertEquals(Rcode.NXDOMAIN, reply(ch).getRcode());
    assertFalse(ch.finish());
  }

  @Test
  void aResponseIsNeverSentForAResponse() throws Exception {
    EmbeddedChannel ch = channel();
    byte[] q = query("www.tricky.test.");
    q[2] |= (byte) 0x80;
    ch.writeInbound(Unpooled.wrappedBuffer(RawClient.frame(q)));
    ch.flushOutbound();
    assertNull(ch.readOutbound());
    assertFalse(ch.finish());
  }
}
