package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.resolver.cache.ResponseShape.Shape;
import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.testing.ScriptedUpstream;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ResponseShapeTest {
  static final String ALIAS = "dynamodb.us-east-1.aws.test.";
  static final String TARGET = "dynamodb.us-east-1.regional.aws.test.";

  static Name n(String s) {
    return Name.fromConstantString(s);
  }

  static Record a(String owner) {
    try {
      return new ARecord(n(owner), DClass.IN, 60, InetAddress.getByName("192.0.2.1"));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static Record cname(String owner, String target) {
    return new CNAMERecord(n(owner), DClass.IN, 300, n(target));
  }

  static final Record SOA = ScriptedUpstream.soa("aws.test.", 300, 300);
  static final Record NS =
      new NSRecord(n("regional.aws.test."), DClass.IN, 300, n("ns1.elsewhere.test."));

  record Case(
      String what,
      int qtype,
      int rcode,
      List<Record> answer,
      List<Record> authority,
      Shape expected) {}

  static Shape shape(Case c) {
    Message q = Harness.query(ALIAS, c.qtype());
    return ResponseShape.of(
        ScriptedUpstream.reply(q, c.rcode(), c.answer(), c.authority()), n(ALIAS), c.qtype());
  }

  @Test
  void decisionTable() {
    int noerr = Rcode.NOERROR;
    int nx = Rcode.NXDOMAIN;
    List<Case> cases =
        List.of(
            new Case(
                "data at the name", Type.A, noerr, List.of(a(ALIAS)), List.of(), Shape.POSITIVE),
            new Case(
                "a chain ending in data",
                Type.A,
                noerr,
                List.of(cname(ALIAS, TARGET), a(TARGET)),
                List.of(),
                Shape.POSITIVE),
            new Case(
                "a two-link chain, records in any order",
                Type.A,
                noerr,
                List.of(
                    a("c.aws.test."),
                    cname("b.aws.test.", "c.aws.test."),
                    cname(ALIAS, "b.aws.test.")),
                List.of(),
                Shape.POSITIVE),
            new Case(
                "the target emptied: CNAME and SOA (NODATA after a chain)",
                Type.A,
                noerr,
                List.of(cname(ALIAS, TARGET)),
                List.of(SOA),
                Shape.EMPTY),
            new Case(
                "the target gone: NXDOMAIN after a chain",
                Type.A,
                nx,
                List.of(cname(ALIAS, TARGET)),
                List.of(SOA),
                Shape.EMPTY),
            new Case(
                "the target has other types only",
                Type.AAAA,
                noerr,
                List.of(cname(ALIAS, TARGET), a(TARGET)),
                List.of(SOA),
                Shape.EMPTY),
            new Case(
                "data of another name is not the chain's end",
                Type.A,
                noerr,
                List.of(cname(ALIAS, TARGET), a("unrelated.aws.test.")),
                List.of(SOA),
                Shape.EMPTY),
            new Case(
                "a target outside the upstream's zone: partial, the client continues",
                Type.A,
                noerr,
                List.of(cname(ALIAS, "endpoint.example.org.")),
                List.of(),
                Shape.POSITIVE),
            new Case(
                "a referral after the chain: partial",
                Type.A,
                noerr,
                List.of(cname(ALIAS, TARGET)),
                List.of(NS),
                Shape.POSITIVE),
            new Case(
                "a loop with the SOA",
                Type.A,
                noerr,
                List.of(cname(ALIAS, "b.aws.test."), cname("b.aws.test.", ALIAS)),
                List.of(SOA),
                Shape.EMPTY),
            new Case(
                "a CNAME question is answered by the CNAME",
                Type.CNAME,
                noerr,
                List.of(cname(ALIAS, TARGET)),
                List.of(),
                Shape.POSITIVE),
            new Case(
                "ANY is answered by any record",
                Type.ANY,
                noerr,
                List.of(cname(ALIAS, TARGET)),
                List.of(SOA),
                Shape.POSITIVE),
            new Case(
                "DNAME rewrites the name",
                Type.A,
                noerr,
                List.of(
                    new DNAMERecord(n("us-east-1.aws.test."), DClass.IN, 300, n("use1.aws.test.")),
                    a("dynamodb.use1.aws.test.")),
                List.of(),
                Shape.POSITIVE),
            new Case(
                "DNAME to an emptied name",
                Type.A,
                noerr,
                List.of(
                    new DNAMERecord(n("us-east-1.aws.test."), DClass.IN, 300, n("use1.aws.test.")),
                    cname(ALIAS, "dynamodb.use1.aws.test.")),
                List.of(SOA),
                Shape.EMPTY),
            new Case("NODATA", Type.A, noerr, List.of(), List.of(SOA), Shape.EMPTY),
            new Case("NXDOMAIN", Type.A, nx, List.of(), List.of(SOA), Shape.EMPTY),
            new Case("SERVFAIL", Type.A, Rcode.SERVFAIL, List.of(), List.of(), Shape.UNUSABLE));
    for (Case c : cases) {
      assertEquals(c.expected(), shape(c), c.what());
    }
  }

  @Test
  void anEmptyAnswerWithoutSoaIsAnAnswerOnlyWhenAuthoritative() {
    Message q = Harness.query(ALIAS, Type.A);
    Message authoritative = ScriptedUpstream.reply(q, Rcode.NOERROR, List.of(), List.of());
    assertEquals(Shape.EMPTY, ResponseShape.of(authoritative, n(ALIAS), Type.A), "NODATA type 3");
    Message lame = ScriptedUpstream.reply(q, Rcode.NOERROR, List.of(), List.of(NS));
    lame.getHeader().unsetFlag(Flags.AA);
    assertEquals(Shape.UNUSABLE, ResponseShape.of(lame, n(ALIAS), Type.A), "a referral");
  }
}
