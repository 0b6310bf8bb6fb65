package dnsplane.authdns.answer;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DirectAnswer writes the most common answer straight to wire bytes, without building a dnsjava
 * query or response: a name that exists with data of the type asked (A, AAAA or TXT), with no zone
 * cut, CNAME or wildcard on the way. Its authority section is the apex NS rrset and its additional
 * section the addresses of in-zone NS targets, as {@link ZoneLookup} gives them. PURE.
 *
 * <p>The bytes are those {@link Answerer} and {@link Render} produce for the same query: the same
 * records in the same order, and names compressed as dnsjava's {@code Compression} does (each name
 * points at the first earlier occurrence of its longest suffix already written, compared without
 * regard to case). {@code DirectAnswerTest} compares the two byte for byte over random zones and
 * queries. For anything else, or an answer that would not fit the size limit, it returns null and
 * the caller takes the general path: a cache miss at a million names costs a few tree lookups
 * instead of two dnsjava messages (about 4 KB of garbage each).
 */
public final class DirectAnswer {
  private static final int HEADER = 12;
  private static final int FLAG_QR = 0x8000;
  private static final int FLAG_AA = 0x0400;
  private static final int FLAG_RD = 0x0100;
  private static final int MAX_POINTER = 0x3FFF;

  private DirectAnswer() {}

  /**
   * The answer's wire bytes, or null when this query is not one this class answers.
   *
   * @param zones what is served
   * @param qname the question name in the query's own case
   * @param question the question as it came: name in wire form (no compression), type and class
   * @param id the query's ID
   * @param recursionDesired the query's RD flag
   * @param qtype the question type
   * @param qclass the question class
   * @param edns whether the query had an EDNS(0) OPT record
   * @param dnssecOk the DO bit of that OPT
   * @param maxPayload our EDNS payload size, echoed in the OPT
   * @param limit the largest response allowed
   */
  public static Answer render(
      ZoneSet zones,
      Name qname,
      byte[] question,
      int id,
      boolean recursionDesired,
      int qtype,
      int qclass,
      boolean edns,
      boolean dnssecOk,
      int maxPayload,
      int limit,
      Memo memo) {
    if (!answersType(qtype, qclass)) {
      return null;
    }
    Optional<ZoneSnapshot> found = zones.findZone(qname);
    if (found.isEmpty()) {
      return null;
    }
    Tail tail = memo.tail(found.get());
    if (!tail.hasSoa) {
      return null; // no SOA: SERVFAIL, the general path's
    }
    List<Record> answer = dataAt(tail.zone, qname, qtype);
    if (answer == null) {
      return null;
    }
    List<Record> authority = tail.ns;
    List<Record> additional = tail.glue;
    for (Record a : answer) {
      if (additional.contains(a)) {
        // An address in the answer is not repeated as additional data (as ZoneLookup).
        additional = new ArrayList<>(additional);
        additional.removeAll(answer);
        break;
      }
    }

    Writer w = new Writer(limit);
    w.u16(id);
    w.u16(FLAG_QR | FLAG_AA | (recursionDesired ? FLAG_RD : 0));
    w.u16(1);
    w.u16(answer.size());
    w.u16(authority.size());
    w.u16(additional.size() + (edns ? 1 : 0));
    w.name(qname);
    w.raw(question, question.length - 4, 4);
    for (Record r : answer) {
      w.record(r);
    }
    for (Record r : authority) {
      w.record(r);
    }
    for (Record r : additional) {
      w.record(r);
    }
    if (edns) {
      // The OPT Answerer adds: our payload size, extended rcode 0, version 0, DO copied.
      w.u8(0);
      w.u16(Type.OPT);
      w.u16(maxPayload);
      w.u32(dnssecOk ? ExtendedFlags.DO : 0);
      w.u16(0);
    }
    if (w.overflow) {
      return null;
    }
    byte[] wire = w.at == w.out.length ? w.out : Arrays.copyOf(w.out, w.at);
    return new Answer(wire, tail.dependencies(qname));
  }

  /** A direct answer: its wire bytes, and what a cached copy of it depends on. */
  public record Answer(byte[] wire, AnswerDependencies dependencies) {}

  /**
   * What every direct answer from one zone snapshot shares: the apex NS rrset (the authority
   * section), the addresses of its in-zone targets (the additional section) and the zone-wide
   * names. A snapshot is immutable, so this is worked out once per snapshot instead of with a few
   * tree lookups per query.
   */
  private static final class Tail {
    final ZoneSnapshot zone;
    final boolean hasSoa;
    final List<Record> ns;
    final List<Record> glue;
    final List<Name> zoneWide;

    Tail(ZoneSnapshot zone) {
      this.zone = zone;
      Node apex = zone.node(zone.origin());
      List<Record> soa = apex == null ? null : apex.rrset(Type.SOA);
      List<Record> apexNs = apex == null ? null : apex.rrset(Type.NS);
      hasSoa = soa != null && !soa.isEmpty();
      ns = apexNs == null ? List.of() : List.copyOf(apexNs);
      glue = List.copyOf(DirectAnswer.glue(zone, ns));
      List<Name> names = new ArrayList<>();
      names.add(zone.origin());
      ns.forEach(r -> names.add(r.getAdditionalName()));
      zoneWide = List.copyOf(names);
    }

    /** As {@link AnswerDependencies#of} finds them in a direct answer to {@code qname}. */
    AnswerDependencies dependencies(Name qname) {
      return new AnswerDependencies(
          zone.origin(), false, zoneWide.contains(qname) ? List.of() : List.of(qname));
    }
  }

  /**
   * The tails of the last few zone snapshots answered from, for one thread (not thread-safe). A
   * swap makes new snapshots, and the tails of old ones simply fall out.
   */
  public static final class Memo {
    private final Tail[] tails = new Tail[4];
    private int next;

    Tail tail(ZoneSnapshot zone) {
      for (Tail t : tails) {
        if (t != null && t.zone == zone) {
          return t;
        }
      }
      Tail t = new Tail(zone);
      tails[next] = t;
      next = (next + 1) % tails.length;
      return t;
    }
  }

  /** Whether a question of this type and class can be answered here at all. */
  public static boolean answersType(int qtype, int qclass) {
    return qclass == DClass.IN && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.TXT);
  }

  /**
   * The rrset of {@code qtype} at {@code qname} when the name exists with such data and no node
   * between the apex and it is a zone cut; null when ZoneLookup would take another turn (a
   * referral, a CNAME, NODATA, a wildcard or NXDOMAIN).
   */
  private static List<Record> dataAt(ZoneSnapshot zone, Name qname, int qtype) {
    int depth = qname.labels() - zone.origin().labels();
    Node node = depth == 0 ? zone.node(qname) : null;
    for (int i = depth - 1; i >= 0; i--) {
      Name ancestor = i == 0 ? qname : new Name(qname, i);
      node = zone.node(ancestor);
      if (node == null) {
        if (i == 0) {
          return null; // an empty non-terminal, or a name that does not exist
        }
        // Above a name that exists, a name without a node is an empty non-terminal (if the
        // name asked turns out not to exist, the general path answers anyway).
        continue;
      }
      if (node.hasData(Type.NS)) {
        return null; // a zone cut: a referral
      }
    }
    if (node == null) {
      return null;
    }
    List<Record> rrset = node.rrset(qtype);
    return rrset == null || rrset.isEmpty() ? null : rrset;
  }

  /** The addresses of the in-zone NS targets, A then AAAA per target, each once. */
  private static List<Record> glue(ZoneSnapshot zone, List<Record> ns) {
    List<Record> out = new ArrayList<>();
    for (Record r : ns) {
      Name target = ((NSRecord) r).getTarget();
      if (!target.subdomain(zone.origin())) {
        continue;
      }
      Node n = zone.node(target);
      if (n == null) {
        continue;
      }
      for (int t = Type.A; t != 0; t = t == Type.A ? Type.AAAA : 0) {
        List<Record> rs = n.rrset(t);
        if (rs != null) {
          for (Record a : rs) {
            if (!out.contains(a)) {
              out.add(a);
            }
          }
        }
      }
    }
    return out;
  }

  /** A bounded output buffer with dnsjava's name compression. */
  private static final class Writer {
    private final int limit;
    byte[] out;
    int at;
    boolean overflow;
    private Name[] names = new Name[16];
    private int[] positions = new int[16];
    private int count;

    Writer(int limit) {
      this.limit = Math.min(limit, 65535);
      out = new byte[Math.min(this.limit, 256)]; // most answers fit: grown when not
    }

    /** Whether {@code n} more bytes fit the limit; grows the buffer when they do. */
    private boolean room(int n) {
      if (at + n > limit) {
        overflow = true;
        return false;
      }
      if (at + n > out.length) {
        out = Arrays.copyOf(out, Math.min(limit, Math.max(out.length * 2, at + n)));
      }
      return true;
    }

    void u8(int v) {
      if (room(1)) {
        out[at++] = (byte) v;
      }
    }

    void u16(int v) {
      if (room(2)) {
        out[at++] = (byte) (v >>> 8);
        out[at++] = (byte) v;
      }
    }

    void u32(long v) {
      u16((int) (v >>> 16) & 0xFFFF);
      u16((int) v & 0xFFFF);
    }

    void raw(byte[] b, int from, int length) {
      if (room(length)) {
        System.arraycopy(b, from, out, at, length);
        at += length;
      }
    }

    /** As dnsjava's {@code Name.toWire(DNSOutput, Compression)}. */
    void name(Name n) {
      int labels = n.labels();
      for (int i = 0; i < labels - 1; i++) {
        Name suffix = i == 0 ? n : new Name(n, i);
        int pos = find(suffix);
        if (pos >= 0) {
          u16(0xC000 | pos);
          return;
        }
        remember(suffix, at);
        byte[] label = n.getLabel(i); // with its length octet
        raw(label, 0, label.length);
      }
      u8(0);
    }

    /**
     * As dnsjava's {@code Record.toWire(DNSOutput, int, Compression)} for the types written here.
     */
    void record(Record r) {
      name(r.getName());
      u16(r.getType());
      u16(r.getDClass());
      u32(r.getTTL());
      int lengthAt = at;
      u16(0);
      if (r instanceof NSRecord ns) {
        name(ns.getTarget());
      } else {
        byte[] rdata = r.rdataToWireCanonical(); // A, AAAA, TXT: no names, canonical is plain
        raw(rdata, 0, rdata.length);
      }
      if (!overflow) {
        int length = at - lengthAt - 2;
        out[lengthAt] = (byte) (length >>> 8);
        out[lengthAt + 1] = (byte) length;
      }
    }

    private int find(Name n) {
      for (int i = 0; i < count; i++) {
        if (names[i].equals(n)) {
          return positions[i];
        }
      }
      return -1;
    }

    private void remember(Name n, int position) {
      if (position > MAX_POINTER) {
        return;
      }
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        positions = Arrays.copyOf(positions, count * 2);
      }
      names[count] = n;
      positions[count++] = position;
    }
  }
}
