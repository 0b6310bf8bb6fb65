package dnsplane.resolver.wire;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Responses builds the replies that are not plain cache hits (errors, stale answers) with dnsjava.
 */
public final class Responses {
  private Responses() {}

  /** A reply to {@code q} with {@code rcode} and no records, echoing the question and EDNS. */
  public static byte[] error(WireQuery q, int rcode) {
    Message out = reply(q, rcode);
    if (q.edns()) {
      out.addRecord(new OPTRecord(ReplyWriter.MAX_UDP, 0, 0), Section.ADDITIONAL);
    }
    return out.toWire(ReplyWriter.limit(q, false));
  }

  /**
   * {@code a} served stale (RFC 8767): every TTL set to {@code staleTtl}, and when the client
   * speaks EDNS an Extended DNS Error (RFC 8914) 3 "Stale Answer" (19 for a stale NXDOMAIN) with
   * {@code text}.
   */
  public static byte[] stale(StoredReply a, WireQuery q, int staleTtl, String text, boolean tcp) {
    Message cached;
    try {
      cached = new Message(a.wire());
    } catch (IOException e) {
      throw new IllegalStateException("cached answer does not parse", e);
    }
    Message out = reply(q, a.rcode());
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : cached.getSection(s)) {
        out.addRecord(r, s);
      }
    }
    if (q.edns()) {
      int code =
          a.rcode() == Rcode.NXDOMAIN
              ? ExtendedErrorCodeOption.STALE_NXDOMAIN_ANSWER
              : ExtendedErrorCodeOption.STALE_ANSWER;
      out.addRecord(
          new OPTRecord(
              ReplyWriter.MAX_UDP, 0, 0, 0, List.of(new ExtendedErrorCodeOption(code, text))),
          Section.ADDITIONAL);
    }
    byte[] wire = out.toWire(ReplyWriter.limit(q, tcp));
    for (int off : WireScan.ttlOffsets(wire)) {
      wire[off] = (byte) (staleTtl >>> 24);
      wire[off + 1] = (byte) (staleTtl >>> 16);
      wire[off + 2] = (byte) (staleTtl >>> 8);
      wire[off + 3] = (byte) staleTtl;
    }
    return wire;
  }

  private static Message reply(WireQuery q, int rcode) {
    Message out = new Message(q.id());
    out.getHeader().setFlag(Flags.QR);
    out.getHeader().setFlag(Flags.RA);
    if (q.rd()) {
      out.getHeader().setFlag(Flags.RD);
    }
    if (q.cd()) {
      out.getHeader().setFlag(Flags.CD);
    }
    out.getHeader().setRcode(rcode);
    out.addRecord(question(q), Section.QUESTION);
    return out;
  }

  /**
   * The question exactly as the client spelled it, read from the question's own octets: the rest of
   * the query (its OPT record above all) is never parsed again, so a reply does not depend on
   * dnsjava liking all of it.
   */
  private static Record question(WireQuery q) {
    try {
      return Record.fromWire(
          Arrays.copyOfRange(q.raw(), WireQuery.HEADER, q.questionEnd()), Section.QUESTION);
    } catch (IOException e) {
      throw new IllegalStateException("parsed question does not parse again", e);
    }
  }

  /** Outcome of looking at a query the fast parser rejected. */
  public sealed interface Checked permits Ok, Reject, Drop {}

  /** A query in normal form, ready for the resolver. */
  public record Ok(WireQuery query) implements Checked {}

  /** A reply to send at once (FORMERR, NOTIMP, REFUSED). */
  public record Reject(byte[] reply, int rcode) implements Checked {}

  /** Nothing to send: not a query at all. */
  public record Drop(String why) implements Checked {}

  /**
   * Looks at a query with dnsjava: in the 1035 shape it is rewritten to the normal form (question
   * plus OPT); otherwise the reply names the problem through its rcode (FORMERR for malformed,
   * NOTIMP for other opcodes, and {@link #policyRcode} for questions this resolver does not
   * resolve).
   */
  public static Checked check(byte[] raw) {
    if (raw.length < 12 || (raw[2] & 0x80) != 0) {
      return new Drop(
          raw.length < 12 ? "shorter than a header" : "QR set: a response, not a query");
    }
    Message m;
    try {
      m = new Message(raw);
    } catch (IOException | RuntimeException e) {
      return new Reject(headerOnly(raw, Rcode.FORMERR), Rcode.FORMERR);
    }
    if (m.getHeader().getOpcode() != Opcode.QUERY) {
      return new Reject(headerOnly(raw, Rcode.NOTIMP), Rcode.NOTIMP);
    }
    Record question = m.getQuestion();
    if (question == null || m.getHeader().getCount(Section.QUESTION) != 1) {
      return new Reject(headerOnly(raw, Rcode.FORMERR), Rcode.FORMERR);
    }
    Message n = new Message(m.getHeader().getID());
    for (int f : new int[] {Flags.RD, Flags.CD}) {
      if (m.getHeader().getFlag(f)) {
        n.getHeader().setFlag(f);
      }
    }
    n.addRecord(question, Section.QUESTION);
    OPTRecord opt = m.getOPT();
    if (opt != null) {
      n.addRecord(new OPTRecord(opt.getPayloadSize(), 0, 0), Section.ADDITIONAL);
    }
    WireQuery q = WireQuery.parse(n.toWire());
    if (q == null) {
      return new Reject(headerOnly(raw, Rcode.FORMERR), Rcode.FORMERR);
    }
    int rcode = policyRcode(q);
    if (rcode != Rcode.NOERROR) {
      return new Reject(error(q, rcode), rcode);
    }
    return new Ok(q);
  }

  /**
   * The rcode for a question this resolver will not resolve, or NOERROR for one it will. The one
   * place both the fast parser's queries and dnsjava's normalised ones are judged, so the two paths
   * cannot drift apart:
   *
   * <pre>
   *  question                                              rcode
   *  ----------------------------------------------------  --------
   *  class other than IN (CH, HS, NONE, ANY)               REFUSED  (no CH version.bind; never sent upstream)
   *  AXFR, IXFR                                            REFUSED  (a resolver offers no zone transfers)
   *  OPT, TSIG, TKEY, MAILA, MAILB, other meta types      FORMERR  (as Unbound: no data of that type can exist;
   *    (128-248)                                                     authdns answers FORMERR for OPT/TSIG/TKEY too)
   *  anything else, ANY included                           NOERROR  (resolved; the upstream decides on ANY)
   * </pre>
   */
  public static int policyRcode(WireQuery q) {
    int qtype = q.qtype();
    if (q.key().qclass() != DClass.IN || qtype == Type.AXFR || qtype == Type.IXFR) {
      return Rcode.REFUSED;
    }
    if (qtype == Type.OPT
        || qtype == Type.TSIG
        || qtype == Type.TKEY
        || qtype == Type.MAILA
        || qtype == Type.MAILB
        || qtype >= 128 && qtype <= 248) {
      return Rcode.FORMERR;
    }
    return Rcode.NOERROR;
  }

  /** A 12-byte reply: the query's ID, opcode and RD, QR set, and {@code rcode}; no sections. */
  public static byte[] headerOnly(byte[] raw, int rcode) {
    byte[] out = new byte[12];
    out[0] = raw[0];
    out[1] = raw[1];
    out[2] = (byte) (0x80 | (raw[2] & 0x79));
    out[3] = (byte) (0x80 | (rcode & 0x0f));
    return out;
  }
}
