package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The edge turns a bug in the answer path into SERVFAIL, counted and logged, never a crash. */
class QueryProcessorTest {
  private static Message process(QueryProcessor p, Message q) throws Exception {
    ByteBuf out =
        p.process(
            Unpooled.wrappedBuffer(q.toWire()), Transport.UDP, UnpooledByteBufAllocator.DEFAULT);
    try {
      return new Message(ByteBufUtil.getBytes(out));
    } finally {
      out.release();
    }
  }

  @Test
  void anUnexpectedExceptionIsAnsweredServfailAndCounted() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    QueryProcessor p =
        new QueryProcessor(
            new SnapshotHolder(ZoneFixtures.load(TRICKY)),
            metrics,
            1232,
            100,
            Clock.systemUTC(),
            (zones, query, max, tcp) -> {
              throw new IllegalStateException("a bug (expected in this test)");
            });
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN));
    Message r = process(p, q);
    assertEquals(Rcode.SERVFAIL, r.getRcode());
    assertEquals(q.getHeader().getID(), r.getHeader().getID());
    assertEquals("www.tricky.test.", r.getQuestion().getName().toString());
    StringBuilder sb = new StringBuilder();
    metrics.writePrometheus(sb);
    assertTrue(sb.toString().contains("dnsplane_authdns_internal_errors_total 1\n"), sb.toString());
  }
}
