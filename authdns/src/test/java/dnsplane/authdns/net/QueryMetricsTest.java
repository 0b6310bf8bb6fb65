package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class QueryMetricsTest {
  @Test
  void writesPrometheusText() throws Exception {
    QueryMetrics m = new QueryMetrics();
    m.recordAnswer(Transport.UDP, Type.A, Rcode.NOERROR, false, false);
    m.recordAnswer(Transport.UDP, Type.A, Rcode.NOERROR, true, false);
    m.recordAnswer(Transport.TCP, Type.TXT, Rcode.NXDOMAIN, false, false);
    m.recordAnswer(Transport.UDP, 4321, Rcode.NOERROR, false, true);
    m.malformed(Transport.UDP);
    StringBuilder sb = new StringBuilder();
    m.writePrometheus(sb);
    String t = sb.toString();
    assertTrue(t.contains("# TYPE dnsplane_authdns_queries_total counter\n"), t);
    assertTrue(
        t.contains(
            "dnsplane_authdns_queries_total{transport=\"udp\",qtype=\"A\",rcode=\"NOERROR\"} 2\n"),
        t);
    assertTrue(
        t.contains(
            "dnsplane_authdns_queries_total{transport=\"tcp\",qtype=\"TXT\",rcode=\"NXDOMAIN\"}"
                + " 1\n"),
        t);
    assertTrue(
        t.contains(
            "dnsplane_authdns_queries_total{transport=\"udp\",qtype=\"OTHER\",rcode=\"NOERROR\"}"
                + " 1\n"),
        "unknown qtypes share one series: " + t);
    assertTrue(t.contains("dnsplane_authdns_nodata_total{qtype=\"A\"} 1\n"), t);
    assertTrue(t.contains("dnsplane_authdns_truncated_total{transport=\"udp\"} 1\n"), t);
    assertTrue(t.contains("dnsplane_authdns_malformed_total{transport=\"udp\"} 1\n"), t);
    assertEquals(4, m.totalQueries());
  }
}
