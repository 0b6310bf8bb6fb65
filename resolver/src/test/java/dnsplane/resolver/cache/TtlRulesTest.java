package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.resolver.testing.ScriptedUpstream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

class TtlRulesTest {
  @Test
  void positiveTtlIsCappedByMaxTtl() {
    assertEquals(300, TtlRules.positive(300, 86400));
    assertEquals(60, TtlRules.positive(300, 60));
    assertEquals(0, TtlRules.positive(-5, 60));
  }

  @Test
  void negativeTtlIsMinOfSoaTtlAndMinimumCapped() {
    // RFC 2308 §5: min(SOA TTL, SOA MINIMUM)
    assertEquals(600, TtlRules.negative(3600, 600, 3600));
    assertEquals(300, TtlRules.negative(300, 900, 3600));
    // capped by max-negative-ttl (Unbound's default 3600)
    assertEquals(3600, TtlRules.negative(86400, 86400, 3600));
    assertEquals(120, TtlRules.negative(600, 600, 120));
  }

  @Test
  void soaIsFoundInAuthorityOnly() {
    Message q = dnsplane.resolver.testing.Harness.query("gone.aws.test.", Type.A);
    Message nx = ScriptedUpstream.nxdomain(q, ScriptedUpstream.soa("aws.test.", 60, 30));
    assertEquals(30, TtlRules.soa(nx).getMinimum());
    assertEquals(60, TtlRules.minTtl(nx));
    assertNull(TtlRules.soa(ScriptedUpstream.answer(q)));
  }
}
