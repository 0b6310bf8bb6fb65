package dnsplane.resolver.fuzz;

import static dnsplane.resolver.fuzz.Rig.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.resolver.wire.ReplyWriter;
import dnsplane.resolver.wire.Responses;
import dnsplane.resolver.wire.WireQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The resolver's client-query path: raw query bytes through {@link
 * dnsplane.resolver.net.QueryHandler} as the UDP and TCP listeners call it (UDP tries the zero-copy
 * hit path first), with a real cache and a real upstream client asking a well-behaved loopback
 * authoritative for aws.test. ({@link SeedZone}).
 *
 * <p>Input: byte 0 bit 0 = TCP, bit 1 = a client outside the ACL (192.0.2.9); the rest is the
 * query.
 *
 * <p>Properties: a reply parses with dnsjava, has QR, the query's ID and (when it has one) the
 * query's question byte for byte; it fits the client's UDP size (512, or its EDNS size capped at
 * 1232) or 65535 over TCP; a client outside the ACL gets REFUSED and no data; every record is at or
 * below aws.test. (the only zone routed); a class other than IN gets no data (zone data is IN
 * only); a query dnsjava cannot read is FORMERR, even when the fast parser reads it (findings
 * R1/R2); a query the resolver accepts is answered (no silent drop); the same query asked again
 * (now a cache hit, through the other render path) gets the same bytes; nothing is logged at ERROR
 * (the edge's catch-all for unexpected exceptions).
 */
class ClientQueryFuzzTest {
  static final FuzzUpstream UPSTREAM = upstream();
  static final ErrorLogs ERRORS = ErrorLogs.attach();
  static final InetAddress ALLOWED = address("127.0.0.1");
  static final InetAddress OUTSIDE = address("192.0.2.9");

  private static FuzzUpstream upstream() {
    try {
      FuzzUpstream u = new FuzzUpstream();
      u.script((q, tcp) -> SeedZone.reply(q, tcp ? 65535 : ReplyWriter.MAX_UDP));
      return u;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void clientQuery(byte[] data) throws Exception {
    Loopback.allowOnly();
    if (data.length < 1) {
      return;
    }
    boolean tcp = (data[0] & 1) != 0;
    InetAddress client = (data[0] & 2) != 0 ? OUTSIDE : ALLOWED;
    byte[] raw = Arrays.copyOfRange(data, 1, data.length);
    String what =
        (tcp ? "TCP" : "UDP") + " query from " + client.getHostAddress() + " " + Rig.hex(raw);
    ERRORS.clear();
    Rig rig = new Rig(UPSTREAM.port(), Map.of());
    byte[] first = ask(rig, raw, client, tcp, what);
    if (first != null) {
      checkReply(raw, first, tcp, client == ALLOWED, what);
      byte[] again = ask(rig, raw, client, tcp, what);
      check(again != null, what, "answered once, then dropped");
      // A negative answer with TTL 0 or an uncacheable one is fetched again: still the same bytes.
      check(
          Arrays.equals(first, again),
          what,
          "the second answer differs:\n first " + Rig.hex(first) + "\n again " + Rig.hex(again));
    }
    ERRORS.assertNone(what);
  }

  /** One exchange as DnsServer does it; null when nothing is sent back. */
  static byte[] ask(Rig rig, byte[] raw, InetAddress client, boolean tcp, String what)
      throws InterruptedException, ExecutionException {
    if (!tcp) {
      ByteBuf hit = rig.handler.tryUdpHit(raw, client, UnpooledByteBufAllocator.DEFAULT);
      if (hit != null) {
        try {
          return hit.readableBytes() == 0 ? null : ByteBufUtil.getBytes(hit);
        } finally {
          hit.release();
        }
      }
    }
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    rig.handler.handle(
        raw,
        client,
        tcp,
        bytes -> {
          if (!reply.complete(bytes)) {
            throw new AssertionError(what + ": replied twice");
          }
        });
    boolean accepted =
        client.isLoopbackAddress()
            && (WireQuery.parse(raw) != null || Responses.check(raw) instanceof Responses.Ok);
    if (!accepted) {
      return reply.getNow(null);
    }
    try {
      return reply.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": an accepted query got no reply in 10 s");
    }
  }

  static void checkReply(byte[] raw, byte[] reply, boolean tcp, boolean allowed, String what)
      throws IOException {
    Message r;
    try {
      r = new Message(reply);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(what + ": reply does not parse: " + Rig.hex(reply), e);
    }
    check(r.getHeader().getFlag(Flags.QR), what, "QR not set");
    check(
        r.getHeader().getID() == (((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF)), what, "ID not echoed");
    WireQuery wq = WireQuery.parse(raw);
    if (wq == null && Responses.check(raw) instanceof Responses.Ok ok) {
      wq = ok.query();
    }
    int limit =
        tcp
            ? 65535
            : wq == null ? 512 : wq.edns() ? Math.min(wq.udpSize(), ReplyWriter.MAX_UDP) : 512;
    check(reply.length <= limit, what, reply.length + " octets over the limit " + limit);
    Message q = parse(raw);
    Record rq = r.getQuestion();
    if (rq != null && q != null && q.getQuestion() != null) {
      Record qq = q.getQuestion();
      check(
          rq.getName().toString().equals(qq.getName().toString())
              && rq.getType() == qq.getType()
              && rq.getDClass() == qq.getDClass(),
          what,
          "question " + rq + " does not echo " + qq);
    } else if (rq != null) {
      // dnsjava rejects the query as a whole (say, a malformed EDNS option) but the fast parser
      // read its
      // question: then the question must come back byte for byte.
      WireQuery fast = WireQuery.parse(raw);
      check(fast != null, what, "a question in the reply to a query without one");
      check(
          Arrays.equals(reply, 12, fast.questionEnd(), raw, 12, fast.questionEnd()),
          what,
          "question not echoed byte for byte");
    }
    if (!allowed) {
      check(
          r.getRcode() == Rcode.REFUSED && !hasData(r),
          what,
          "a client outside the ACL got an answer");
      return;
    }
    // Findings R1/R2: whichever parser reads a query first, one dnsjava cannot read is FORMERR. The
    // fast parser
    // once took such queries (malformed EDNS options) and their replies then depended on the name's
    // route.
    check(
        q != null || r.getRcode() == Rcode.FORMERR,
        what,
        "dnsjava cannot read the query, but the reply is "
            + Rcode.string(r.getRcode())
            + ", not FORMERR");
    for (String bad : Rig.outside(reply, Rig.ZONE)) {
      throw new AssertionError(what + ": served out of bailiwick: " + bad);
    }
    if (rq != null && rq.getDClass() != DClass.IN) {
      check(
          !hasData(r),
          what,
          "class "
              + DClass.string(rq.getDClass())
              + " answered with zone data "
              + r.getSection(Section.ANSWER));
    }
  }

  private static boolean hasData(Message r) {
    return !r.getSection(Section.ANSWER).isEmpty() || !r.getSection(Section.AUTHORITY).isEmpty();
  }

  private static Message parse(byte[] raw) {
    try {
      return new Message(raw);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
