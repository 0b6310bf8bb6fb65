package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The fast path (a cached rendering, served on the parse of {@link WireQuery}) answers exactly as
 * the slow path (dnsjava, no cache) does, for the queries where the two could drift: classes other
 * than IN, transfers over UDP, names at the length limit.
 */
class FastSlowParityTest {
  private static QueryProcessor processor(int cacheEntries, QueryMetrics m) {
    return new QueryProcessor(
        new SnapshotHolder(ZoneFixtures.load(TRICKY)), m, 1232, cacheEntries, Clock.systemUTC());
  }

  private static byte[] run(QueryProcessor p, byte[] query, Transport t) {
    ByteBuf out = p.process(Unpooled.wrappedBuffer(query), t, UnpooledByteBufAllocator.DEFAULT);
    if (out == null) {
      return null;
    }
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  private static byte[] query(String name, int type, int dclass) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass)).toWire();
  }

  @Test
  void cachedAndUncachedAnswersAreTheSameBytes() throws Exception {
    QueryProcessor slow = processor(0, new QueryMetrics());
    QueryProcessor cached = processor(100, new QueryMetrics());
    byte[][] queries = {
      query("www.tricky.test.", Type.A, DClass.CH),
      query("www.tricky.test.", Type.A, DClass.HS),
      query("www.tricky.test.", Type.A, DClass.ANY),
      query("www.tricky.test.", Type.A, DClass.NONE),
      query("version.bind.", Type.TXT, DClass.CH),
      query("tricky.test.", Type.AXFR, DClass.IN),
      query("tricky.test.", Type.IXFR, DClass.IN), // no SOA in authority: FORMERR
      query("tricky.test.", Type.AXFR, DClass.CH),
      query("www.tricky.test.", Type.A, DClass.IN),
    };
    assertAnsweredAsSlowTwice(slow, cached, queries);
  }

  /**
   * Each of {@code queries}, over each transport, asked of {@code cached} twice (the second time
   * from its cache, when the answer is cached): both times the bytes {@code slow} answers, or no
   * answer when it gives none.
   */
  private static void assertAnsweredAsSlowTwice(
      QueryProcessor slow, QueryProcessor cached, byte[][] queries) throws Exception {
    for (Transport t : Transport.values()) {
      for (byte[] q : queries) {
        String what = t + " " + new Message(q).getQuestion();
        byte[] reference = run(slow, q, t);
        assertArrayEquals(reference, run(cached, q, t), what);
        assertArrayEquals(reference, run(cached, q, t), what);
      }
    }
  }

  @Test
  void directAnswersAreWrittenEachTimeAndOnlyTheOthersAreCached() throws Exception {
    QueryProcessor slow = processor(0, new QueryMetrics());
    QueryProcessor cached = processor(100, new QueryMetrics());
    // Written straight to wire: data of an A, AAAA or TXT question at a name that has it.
    byte[][] direct = {
      query("www.tricky.test.", Type.A, DClass.IN),
      query("www.tricky.test.", Type.AAAA, DClass.IN),
      query("www.tricky.test.", Type.TXT, DClass.IN),
      query("ns1.tricky.test.", Type.A, DClass.IN),
    };
    // The general path's: a name that does not exist, no data of the type, a CNAME, a wildcard,
    // a delegation, another type.
    byte[][] general = {
      query("nothere.tricky.test.", Type.A, DClass.IN),
      query("www2.tricky.test.", Type.A, DClass.IN),
      query("alias.tricky.test.", Type.A, DClass.IN),
      query("x.wild.tricky.test.", Type.A, DClass.IN),
      query("host.deleg.tricky.test.", Type.A, DClass.IN),
      query("mail.tricky.test.", Type.MX, DClass.IN),
    };
    assertAnsweredAsSlowTwice(slow, cached, direct);
    assertEquals(0, cached.cachedAnswers(), "a direct answer is never cached");
    assertAnsweredAsSlowTwice(slow, cached, general);
    assertEquals(
        2 * general.length, cached.cachedAnswers(), "each other answer, once per transport");
  }

  /** A name of {@code octets} wire octets (root label included), in labels of at most 63. */
  private static byte[] longNameQuery(int octets) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    int left = octets - 1;
    while (left > 0) {
      int len = Math.min(63, left - 1);
      b.write(len);
      for (int i = 0; i < len; i++) {
        b.write('a');
      }
      left -= len + 1;
    }
    b.write(0);
    b.writeBytes(new byte[] {0, 1, 0, 1});
    return b.toByteArray();
  }

  @Test
  void namesLongerThan255OctetsNeverReachTheFastPath() throws Exception {
    byte[] ok = longNameQuery(255);
    byte[] tooLong = longNameQuery(256);
    assertEquals(12 + 255 + 4, ok.length);
    assertEquals(12 + 256 + 4, tooLong.length);
    assertTrue(new WireQuery().parse(Unpooled.wrappedBuffer(ok)));
    assertEquals(255, new Message(ok).getQuestion().getName().length());
    assertFalse(new WireQuery().parse(Unpooled.wrappedBuffer(tooLong)));
    QueryMetrics m = new QueryMetrics();
    QueryProcessor p = processor(100, m);
    for (Transport t : Transport.values()) {
      byte[] reply = run(p, tooLong, t);
      assertNotNull(reply);
      assertEquals(Rcode.FORMERR, new Message(reply).getRcode());
      assertEquals(Rcode.REFUSED, new Message(run(p, ok, t)).getRcode(), "not our zone");
    }
    StringBuilder text = new StringBuilder();
    m.writePrometheus(text);
    assertTrue(text.toString().contains("dnsplane_authdns_internal_errors_total 0"), "no SERVFAIL");
  }
}
