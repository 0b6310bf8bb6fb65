package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
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

  @Test
  void aZoneWithoutApexNsAnswersItsDataFromTheCacheToo() throws Exception {
    // Mid-import, or a zone kept only for its data: every query of it used to end in SERVFAIL,
    // from the cache's dependency walk, which expected an apex NS rrset.
    ZoneSet zones =
        ZoneSet.fromMasterText(
            "$ORIGIN nons.test.\n@ SOA ns1 h 1 2 3 4 5\nwww A 192.0.2.1\nmail MX 10 www\n",
            Name.fromString("nons.test."));
    QueryProcessor p =
        new QueryProcessor(
            new SnapshotHolder(zones), new QueryMetrics(), 1232, 100, Clock.systemUTC());
    for (int type : new int[] {Type.A, Type.MX, Type.AAAA}) {
      String name = type == Type.MX ? "mail.nons.test." : "www.nons.test.";
      for (int i = 0; i < 2; i++) { // the miss, then the cache's answer
        Message r =
            process(p, Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
        assertEquals(Rcode.NOERROR, r.getRcode(), Type.string(type) + " " + r);
      }
    }
  }
}
