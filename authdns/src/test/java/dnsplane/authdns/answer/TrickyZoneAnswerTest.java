package dnsplane.authdns.answer;

import static dnsplane.authdns.zone.ZoneFixtures.CHILD;
import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.xbill.DNS.Rcode.NOERROR;
import static org.xbill.DNS.Rcode.NXDOMAIN;
import static org.xbill.DNS.Rcode.REFUSED;

import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Table-driven answers from the tricky zone, with the child zone served beside it. */
class TrickyZoneAnswerTest {
  private static final ZoneSet ZONES = ZoneFixtures.load(TRICKY, CHILD);
  private static final ZoneSet PARENT_ONLY = ZoneFixtures.load(TRICKY);

  // RFC 2308: negative answers carry the SOA with TTL min(3600, minimum 300).
  private static final String NEG_SOA =
      "@ 300 SOA ns1.tricky.test. hostmaster.tricky.test. 7 7200 3600 1209600 300";
  private static final List<String> NEG = List.of(NEG_SOA);
  private static final List<String> DELEG_NS =
      List.of("deleg NS ns.deleg", "deleg NS ns.outside.test.");
  private static final List<String> DELEG_GLUE =
      List.of("ns.deleg A 192.0.2.54", "ns.deleg AAAA 2001:db8::54");

  // NSD (minimal-responses off) adds the apex NS and its in-zone addresses to positive answers.
  private static final List<String> APEX_NS = List.of("@ NS ns1", "@ NS ns2.outside.test.");
  private static final List<String> APEX_GLUE = List.of("ns1 A 192.0.2.53");

  private static Case pos(String qname, int qtype, int rcode, boolean aa, List<String> answer) {
    return new Case(qname, qtype, rcode, aa, answer, APEX_NS, APEX_GLUE);
  }

  static Stream<Case> trickyCases() {
    return Stream.of(
        pos("www", Type.A, NOERROR, true, List.of("www A 192.0.2.1")),
        pos("www", Type.AAAA, NOERROR, true, List.of("www AAAA 2001:db8::1")),
        new Case("www", Type.MX, NOERROR, true, List.of(), NEG, List.of()),
        new Case("nothere", Type.A, NXDOMAIN, true, List.of(), NEG, List.of()),
        pos(
            "@",
            Type.SOA,
            NOERROR,
            true,
            List.of("@ SOA ns1.tricky.test. hostmaster.tricky.test. 7 7200 3600 1209600 300")),
        new Case(
            "@",
            Type.NS,
            NOERROR,
            true,
            List.of("@ NS ns1", "@ NS ns2.outside.test."),
            List.of(),
            List.of("ns1 A 192.0.2.53")),
        new Case(
            "mail",
            Type.MX,
            NOERROR,
            true,
            List.of("mail MX 10 mx1"),
            APEX_NS,
            List.of("mx1 A 192.0.2.25", "ns1 A 192.0.2.53")),
        // The name server's own address is in the answer, so it is not repeated as additional.
        new Case("ns1", Type.A, NOERROR, true, List.of("ns1 A 192.0.2.53"), APEX_NS, List.of()),
        // Empty non-terminals exist: NODATA, never NXDOMAIN.
        new Case("c", Type.A, NOERROR, true, List.of(), NEG, List.of()),
        new Case("b.c", Type.A, NOERROR, true, List.of(), NEG, List.of()),
        pos("a.b.c", Type.A, NOERROR, true, List.of("a.b.c A 192.0.2.3")),
        new Case("x.c", Type.A, NXDOMAIN, true, List.of(), NEG, List.of()),
        // Wildcards (RFC 4592).
        pos("host.wild", Type.A, NOERROR, true, List.of("host.wild A 192.0.2.4")),
        pos("host.wild", Type.TXT, NOERROR, true, List.of("host.wild TXT \"wild\"")),
        pos("deep.host.wild", Type.A, NOERROR, true, List.of("deep.host.wild A 192.0.2.4")),
        new Case("host.wild", Type.MX, NOERROR, true, List.of(), NEG, List.of()),
        pos("*.wild", Type.A, NOERROR, true, List.of("*.wild A 192.0.2.4")),
        pos("exists.wild", Type.TXT, NOERROR, true, List.of("exists.wild TXT \"explicit\"")),
        new Case("exists.wild", Type.A, NOERROR, true, List.of(), NEG, List.of()),
        new Case("x.exists.wild", Type.A, NXDOMAIN, true, List.of(), NEG, List.of()),
        new Case("ent.wild", Type.A, NOERROR, true, List.of(), NEG, List.of()),
        new Case("z.ent.wild", Type.A, NXDOMAIN, true, List.of(), NEG, List.of()),
        new Case("foo.entwild", Type.A, NOERROR, true, List.of(), NEG, List.of()),
        pos("foo.wc", Type.A, NOERROR, true, List.of("foo.wc CNAME www", "www A 192.0.2.1")),
        // CNAMEs.
        pos(
            "alias",
            Type.A,
            NOERROR,
            true,
            List.of("alias CNAME alias2", "alias2 CNAME www", "www A 192.0.2.1")),
        pos("alias", Type.CNAME, NOERROR, true, List.of("alias CNAME alias2")),
        Case.of("loop1", Type.A, NOERROR, true, List.of("loop1 CNAME loop2", "loop2 CNAME loop1")),
        Case.of("ext", Type.A, NOERROR, true, List.of("ext CNAME target.example.org.")),
        new Case(
            "dangling", Type.A, NXDOMAIN, true, List.of("dangling CNAME nothere"), NEG, List.of()),
        new Case("tonodata", Type.A, NOERROR, true, List.of("tonodata CNAME www2"), NEG, List.of()),
        // Delegations: referrals without AA, glue in additional; DS answered by the parent.
        new Case("deleg", Type.A, NOERROR, false, List.of(), DELEG_NS, DELEG_GLUE),
        new Case("host.deleg", Type.A, NOERROR, false, List.of(), DELEG_NS, DELEG_GLUE),
        new Case("ns.deleg", Type.A, NOERROR, false, List.of(), DELEG_NS, DELEG_GLUE),
        new Case("deleg", Type.NS, NOERROR, false, List.of(), DELEG_NS, DELEG_GLUE),
        Case.of(
            "deleg",
            Type.DS,
            NOERROR,
            true,
            List.of(
                "deleg DS 12345 13 2"
                    + " 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")),
        new Case("nods", Type.DS, NOERROR, true, List.of(), NEG, List.of()),
        new Case(
            "x.nods",
            Type.A,
            NOERROR,
            false,
            List.of(),
            List.of("nods NS ns.outside.test."),
            List.of()),
        // Minimal ANY (RFC 8482): one rrset, the lowest type.
        Case.of("www", Type.ANY, NOERROR, true, List.of("www A 192.0.2.1")),
        Case.of("hinfo", Type.ANY, NOERROR, true, List.of("hinfo HINFO \"PC\" \"Linux\"")),
        new Case("c", Type.ANY, NOERROR, true, List.of(), NEG, List.of()),
        // Nested zone: the child's own data wins; its DS comes from the parent.
        new Case(
            "www.child",
            Type.A,
            NOERROR,
            true,
            List.of("www.child 600 A 192.0.2.56"),
            List.of("child 600 NS ns1.child"),
            List.of("ns1.child 600 A 192.0.2.55")),
        new Case(
            "child",
            Type.NS,
            NOERROR,
            true,
            List.of("child 600 NS ns1.child"),
            List.of(),
            List.of("ns1.child 600 A 192.0.2.55")),
        new Case("child", Type.DS, NOERROR, true, List.of(), NEG, List.of()),
        // Outside every zone.
        new Case("example.org.", Type.A, REFUSED, false, List.of(), List.of(), List.of()),
        new Case("outside.test.", Type.A, REFUSED, false, List.of(), List.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trickyCases")
  void answersFromTheTrickyZone(Case c) throws Exception {
    check(ZONES, c);
  }

  static Stream<Case> parentOnlyCases() {
    return Stream.of(
        new Case(
            "www.child",
            Type.A,
            NOERROR,
            false,
            List.of(),
            List.of("child NS ns1.child"),
            List.of("ns1.child A 192.0.2.55")),
        new Case(
            "child",
            Type.NS,
            NOERROR,
            false,
            List.of(),
            List.of("child NS ns1.child"),
            List.of("ns1.child A 192.0.2.55")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parentOnlyCases")
  void refersToTheChildWhenOnlyTheParentIsServed(Case c) throws Exception {
    check(PARENT_ONLY, c);
  }

  static void check(ZoneSet zones, Case c) throws Exception {
    Name qname = Name.fromString(c.qname(), TRICKY);
    Message query = Message.newQuery(Record.newRecord(qname, c.qtype(), DClass.IN));
    Message response = Answerer.answer(zones, query, Answerer.DEFAULT_PAYLOAD);
    Sections.check(c, response, TRICKY);
  }
}
