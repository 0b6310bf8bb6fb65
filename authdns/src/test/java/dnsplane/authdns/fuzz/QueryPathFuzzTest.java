package dnsplane.authdns.fuzz;

import static dnsplane.authdns.fuzz.WireChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.net.Transport;
import dnsplane.authdns.xfr.TransferAcl;
import dnsplane.authdns.xfr.XfrMetrics;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The authdns query path from bytes to response bytes, over both transports, against the tricky
 * fixture zones (CNAME chains and loops, wildcards, empty non-terminals, delegations with glue, a
 * nested child zone).
 *
 * <p>Properties: a response (if any) parses with dnsjava, has QR, the query's ID and opcode, and
 * echoes its question byte for byte; it fits the UDP limit the query allows (512, or its EDNS size
 * capped at ours) and 65535 over TCP; no record outside the answering zone; never SERVFAIL (the
 * fixture has no broken zone, so SERVFAIL means an exception inside the answer path). The fast path
 * (WireQuery plus the rendered-response cache) must give exactly the bytes the dnsjava path gives:
 * every input is answered by a caching processor twice, and by one without a cache.
 */
class QueryPathFuzzTest {
  static final ZoneSet ZONES = ZoneFixtures.load(ZoneFixtures.TRICKY, ZoneFixtures.CHILD);
  static final XfrService XFR = new XfrService(TransferAcl.loopback(), new XfrMetrics());
  // Shared across inputs on purpose: a cache key that confuses two different queries shows up as
  // a difference from the uncached processor.
  static final Processors CACHED = Processors.of(ZONES, 10_000, XFR);
  static final Processors UNCACHED = Processors.of(ZONES, 0, XFR);

  @FuzzTest(maxDuration = "10m")
  void query(byte[] data) {
    byte[] warm = wellFormedVariant(data);
    for (Transport t : Transport.values()) {
      // Over TCP the handler gives transfers to XfrService before the processor sees them;
      // TransferFuzzTest covers that side.
      if (t == Transport.TCP && XfrService.isTransfer(Unpooled.wrappedBuffer(data))) {
        continue;
      }
      String what = t + " query " + WireChecks.hex(data);
      byte[] slow = UNCACHED.process(data, t);
      if (warm != null) {
        // Fill the cache for this question first: a bad option must not be served a good answer.
        CACHED.process(warm, t);
      }
      byte[] first = CACHED.process(data, t);
      byte[] again = CACHED.process(data, t);
      check(
          Arrays.equals(slow, first),
          what,
          "cached/fast path differs from the dnsjava path:\n slow  "
              + (slow == null ? "null" : WireChecks.hex(slow))
              + "\n first "
              + (first == null ? "null" : WireChecks.hex(first)));
      check(Arrays.equals(first, again), what, "a cache hit differs from the first answer");
      if (slow != null) {
        checkResponse(data, slow, t, what);
      }
    }
  }

  /**
   * {@code data} made well-formed where the fast path once let through what dnsjava reads
   * differently: its OPT without options (RDLENGTH 0) and with extended rcode 0 (a TTL with the top
   * bit set reads as 0, DO included). Null when there is no such OPT to fix: the query must have
   * one question, no compression, and one additional record, an OPT. Processed first, it fills the
   * cache entry the malformed query would hit, so the regression run of such a finding reproduces
   * without the cache the fuzzing run had built up (finding F1).
   */
  static byte[] wellFormedVariant(byte[] data) {
    if (data.length < 12 + 5 || data[5] != 1 || data[10] != 0 || data[11] != 1) {
      return null;
    }
    int p = 12;
    while (p < data.length && data[p] != 0) {
      if ((data[p] & 0xC0) != 0) {
        return null;
      }
      p += 1 + (data[p] & 0xFF);
    }
    int opt = p + 1 + 4;
    if (opt + 11 > data.length
        || data[opt] != 0
        || data[opt + 1] != 0
        || data[opt + 2] != 41
        || data[opt + 5] == 0 && data[opt + 9] == 0 && data[opt + 10] == 0) {
      return null;
    }
    byte[] warm = Arrays.copyOf(data, opt + 11);
    warm[opt + 5] = 0;
    warm[opt + 9] = 0;
    warm[opt + 10] = 0;
    return warm;
  }

  static void checkResponse(byte[] data, byte[] wire, Transport t, String what) {
    Message r = WireChecks.parseResponse(wire, what);
    WireChecks.checkHeader(data, r, what);
    Message q = WireChecks.parseQuery(data);
    int limit =
        t == Transport.TCP
            ? Answerer.TCP_MAX
            : q == null ? Answerer.CLASSIC_UDP : Answerer.udpLimit(q, Answerer.DEFAULT_PAYLOAD);
    check(wire.length <= limit, what, wire.length + " octets over the limit " + limit);
    check(r.getRcode() != Rcode.SERVFAIL, what, "SERVFAIL: an exception in the answer path");
    WireChecks.checkQuestionEcho(q, r, what);
    WireChecks.checkInZone(ZONES, q, r, what);
    if (q == null) {
      check(
          r.getRcode() == Rcode.FORMERR,
          what,
          "unparseable query answered " + Rcode.string(r.getRcode()));
    }
  }
}
