package dnsplane.authdns.answer;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * ZoneLookup answers one question from one zone snapshot. PURE: no I/O, no clock, no logging.
 *
 * <p>Lookup of a name, in order (as CoreDNS {@code file/lookup.go} and dnsjava {@code Zone}):
 *
 * <ol>
 *   <li>Walk from below the apex down to the name. A node with NS (other than the apex) is a zone
 *       cut: answer with a referral, except for a DS question about the cut itself, which the
 *       parent answers. A label that does not exist ends the walk: its parent is the closest
 *       encloser.
 *   <li>The name exists: the rrset of the type asked; else its CNAME (chased inside the zone, at
 *       most {@link #MAX_CNAME_CHAIN} links); else NODATA. An empty non-terminal is NODATA.
 *   <li>It does not: the wildcard {@code *.<closest encloser>} if it exists (RFC 4592 §3.3.1,
 *       synthesised with the query name as owner); else NXDOMAIN.
 * </ol>
 */
public final class ZoneLookup {
  /**
   * Longest CNAME chain followed inside a zone. Real chains are 1–2 links; the bound stops loops
   * and pathological zones from costing more than a few lookups (CoreDNS uses 8).
   */
  public static final int MAX_CNAME_CHAIN = 8;

  private static final Name WILD = Name.fromConstantString("*");

  private ZoneLookup() {}

  /** Looks up ({@code qname}, {@code qtype}) in {@code zone}; {@code qname} must be in it. */
  public static LookupResult lookup(ZoneSnapshot zone, Name qname, int qtype) {
    SOARecord soa = zone.soa();
    if (soa == null) {
      return new LookupResult(Outcome.BROKEN_ZONE, List.of(), List.of(), List.of());
    }
    List<Record> answer = new ArrayList<>();
    Set<Name> visited = new HashSet<>();
    Name current = qname;
    for (int link = 0; ; link++) {
      visited.add(current);
      Step step = step(zone, current, qtype);
      switch (step.kind) {
        case FOUND -> {
          answer.addAll(step.records);
          List<Record> extra = additional(zone, answer);
          List<Record> authority = apexNs(zone, current, qtype);
          if (!authority.isEmpty()) {
            extra = new ArrayList<>(extra);
            for (Record ns : authority) {
              addAddresses(zone, ((NSRecord) ns).getTarget(), extra);
            }
            // An address already in the answer is not repeated as additional data (as NSD does).
            extra.removeAll(answer);
          }
          return new LookupResult(Outcome.SUCCESS, answer, authority, extra);
        }
        case CNAME -> {
          answer.add(step.records.get(0));
          Name target = ((CNAMERecord) step.records.get(0)).getTarget();
          // Out of zone, a loop, or too long: stop and let the client's resolver continue.
          if (!target.subdomain(zone.origin())
              || visited.contains(target)
              || link + 1 >= MAX_CNAME_CHAIN) {
            return new LookupResult(Outcome.SUCCESS, answer, List.of(), List.of());
          }
          current = target;
        }
        case NODATA, NXDOMAIN -> {
          Outcome o = step.kind == Kind.NODATA ? Outcome.NODATA : Outcome.NXDOMAIN;
          return new LookupResult(o, answer, List.of(negativeSoa(soa)), List.of());
        }
        case DELEGATION -> {
          // A referral after a CNAME keeps the authoritative chain in the answer (RFC 1034 4.3.2).
          return new LookupResult(
              answer.isEmpty() ? Outcome.DELEGATION : Outcome.SUCCESS,
              answer,
              step.records,
              glue(zone, step.records));
        }
        default -> throw new IllegalStateException("unreachable " + step.kind);
      }
    }
  }

  private enum Kind {
    FOUND,
    CNAME,
    NODATA,
    NXDOMAIN,
    DELEGATION
  }

  private record Step(Kind kind, List<Record> records) {
    static Step of(Kind k) {
      return new Step(k, List.of());
    }
  }

  private static Step step(ZoneSnapshot zone, Name name, int qtype) {
    Name origin = zone.origin();
    int depth = name.labels() - origin.labels();
    Name closestEncloser = origin;
    for (int i = depth - 1; i >= 0; i--) {
      Name anc = i == 0 ? name : new Name(name, i);
      Node node = zone.node(anc);
      if (node == null && !zone.exists(anc)) {
        return wildcard(zone, closestEncloser, name, qtype);
      }
      if (node != null && node.hasData(Type.NS) && !(i == 0 && qtype == Type.DS)) {
        return new Step(Kind.DELEGATION, node.rrset(Type.NS));
      }
      closestEncloser = anc;
    }
    Node node = zone.node(name);
    return node == null ? Step.of(Kind.NODATA) : data(node, name, qtype, false);
  }

  private static Step wildcard(ZoneSnapshot zone, Name closestEncloser, Name qname, int qtype) {
    Name wild = concatenate(closestEncloser);
    Node node = zone.node(wild);
    if (node == null) {
      // A wildcard that is itself an empty non-terminal matches with no data (RFC 4592 §2.2.2).
      return Step.of(zone.exists(wild) ? Kind.NODATA : Kind.NXDOMAIN);
    }
    return data(node, qname, qtype, true);
  }

  private static Step data(Node node, Name owner, int qtype, boolean synthesise) {
    List<Record> found = null;
    Kind kind = Kind.FOUND;
    if (qtype == Type.ANY) {
      // RFC 8482: answer ANY with one rrset, the lowest type present, instead of all of them.
      for (int t : node.types()) {
        if (node.hasData(t)) {
          found = node.rrset(t);
          break;
        }
      }
    } else if (node.hasData(qtype)) {
      found = node.rrset(qtype);
    } else if (qtype != Type.CNAME && node.hasData(Type.CNAME)) {
      found = node.rrset(Type.CNAME).subList(0, 1);
      kind = Kind.CNAME;
    }
    if (found == null) {
      return Step.of(Kind.NODATA);
    }
    return new Step(kind, synthesise ? withOwner(found, owner) : found);
  }

  private static List<Record> withOwner(List<Record> records, Name owner) {
    List<Record> out = new ArrayList<>(records.size());
    for (Record r : records) {
      out.add(r.withName(owner));
    }
    return out;
  }

  /**
   * The apex NS rrset that NSD (minimal-responses off) puts in the authority section of a positive
   * answer, so that our answers match NSD's section for section. Not for ANY (RFC 8482 keeps it
   * minimal), DS (answered from the parent side of a cut) or the apex NS query itself. The edge
   * drops it again rather than set TC when it does not fit ({@link Render}).
   */
  private static List<Record> apexNs(ZoneSnapshot zone, Name owner, int qtype) {
    if (qtype == Type.ANY || qtype == Type.DS || qtype == Type.NS && owner.equals(zone.origin())) {
      return List.of();
    }
    Node apex = zone.node(zone.origin());
    List<Record> ns = apex == null ? null : apex.rrset(Type.NS);
    return ns == null ? List.of() : ns;
  }

  /** The SOA for a negative answer, with TTL min(SOA TTL, SOA minimum) as RFC 2308 §3 says. */
  static SOARecord negativeSoa(SOARecord soa) {
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    if (ttl == soa.getTTL()) {
      return soa;
    }
    return new SOARecord(
        soa.getName(),
        soa.getDClass(),
        ttl,
        soa.getHost(),
        soa.getAdmin(),
        soa.getSerial(),
        soa.getRefresh(),
        soa.getRetry(),
        soa.getExpire(),
        soa.getMinimum());
  }

  /** Addresses of the NS targets we hold (glue below the cut or data elsewhere in the zone). */
  private static List<Record> glue(ZoneSnapshot zone, List<Record> ns) {
    List<Record> out = new ArrayList<>();
    for (Record r : ns) {
      addAddresses(zone, ((NSRecord) r).getTarget(), out);
    }
    return out;
  }

  /** Additional-section processing for NS, MX and SRV answers: addresses of in-zone targets. */
  private static List<Record> additional(ZoneSnapshot zone, List<Record> answer) {
    List<Record> out = null;
    for (Record r : answer) {
      Name target =
          r instanceof NSRecord ns
              ? ns.getTarget()
              : r instanceof MXRecord mx
                  ? mx.getTarget()
                  : r instanceof SRVRecord srv ? srv.getTarget() : null;
      if (target != null) {
        if (out == null) {
          out = new ArrayList<>();
        }
        addAddresses(zone, target, out);
      }
    }
    return out == null ? List.of() : out;
  }

  private static void addAddresses(ZoneSnapshot zone, Name target, List<Record> out) {
    if (!target.subdomain(zone.origin())) {
      return;
    }
    Node n = zone.node(target);
    if (n == null) {
      return;
    }
    for (int t : new int[] {Type.A, Type.AAAA}) {
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

  private static Name concatenate(Name suffix) {
    try {
      return Name.concatenate(WILD, suffix);
    } catch (org.xbill.DNS.NameTooLongException e) {
      // "*." + a name of 254 octets cannot exist in the zone, so there is no wildcard.
      return WILD;
    }
  }
}
