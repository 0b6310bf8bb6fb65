package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.testing.Harness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** /health, /metrics and the cache flush, over real HTTP. */
class HttpApiTest {
  @Test
  void flushOneNameOrEverything() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q ->
              List.of(
                  answer(
                      q,
                      UpstreamMismatchTest.a(
                          q.getQuestion().getName().toString(), "192.0.2.110"))));
      h.ask("a.aws.test.", Type.A);
      h.ask("a.aws.test.", Type.AAAA);
      h.ask("b.aws.test.", Type.A);
      assertEquals(3, h.upstream.queries());

      HttpResponse<String> one = h.http("POST", "/cache/flush?name=A.aws.test");
      assertEquals(200, one.statusCode());
      assertEquals("{\"name\":\"A.aws.test.\",\"flushed\":2}", one.body());
      h.ask("b.aws.test.", Type.A);
      assertEquals(3, h.upstream.queries(), "b stays cached");
      h.ask("a.aws.test.", Type.A);
      assertEquals(4, h.upstream.queries(), "a was flushed");

      HttpResponse<String> all = h.http("POST", "/cache/flush");
      assertEquals(200, all.statusCode());
      assertTrue(all.body().startsWith("{\"flushed\":"), all.body());
      h.ask("b.aws.test.", Type.A);
      assertEquals(5, h.upstream.queries());

      assertEquals(405, h.http("GET", "/cache/flush").statusCode());
      HttpResponse<String> bad = h.http("POST", "/cache/flush?name=a..b");
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("not a domain name"), bad.body());
    }
  }

  @Test
  void healthAndMetrics() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("m.aws.test.", "192.0.2.111"))));
      h.ask("m.aws.test.", Type.A);
      h.ask("m.aws.test.", Type.A);
      HttpResponse<String> health = h.http("GET", "/health");
      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"ok\"}", health.body());
      String metrics = h.http("GET", "/metrics").body();
      for (String line :
          List.of(
              "dnsplane_resolver_cache_hits_total 1",
              "dnsplane_resolver_cache_misses_total 1",
              "dnsplane_resolver_cache_entries 1",
              "dnsplane_resolver_upstream_latency_seconds_count 1",
              "dnsplane_resolver_stale_served_total 0",
              "dnsplane_resolver_suspect_empty_answers_total 0",
              "dnsplane_resolver_coalesced_queries_total 0",
              "dnsplane_resolver_cache_negative_hits_total 0")) {
        assertTrue(metrics.contains(line + "\n"), line + " in\n" + metrics);
      }
    }
  }
}
