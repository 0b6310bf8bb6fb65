package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.testing.Harness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Who may flush the cache: the token when one is set, else loopback JSON from no foreign page. */
class ControlChannelTest {

  private static final String TOKEN = "s3cret-token";
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  /** A harness with one name cached: a flush shows as one more upstream query for it. */
  private static Harness cachedOne(Map<String, Object> overrides) throws Exception {
    Harness h = new Harness(overrides);
    h.upstream.script(
        q -> List.of(answer(q, UpstreamMismatchTest.a("f.aws.test.", "192.0.2.120"))));
    h.ask("f.aws.test.", Type.A);
    return h;
  }

  private static boolean stillCached(Harness h) throws Exception {
    int before = h.upstream.queries();
    h.ask("f.aws.test.", Type.A);
    return h.upstream.queries() == before;
  }

  @Test
  void withATokenAFlushWithoutTheRightOneIs401() throws Exception {
    try (Harness h = cachedOne(Map.of("api-token", TOKEN))) {
      for (Map<String, String> headers :
          List.of(
              JSON, Map.of("Content-Type", "application/json", "Authorization", "Bearer guess"))) {
        HttpResponse<String> r = h.http("POST", "/cache/flush", headers);
        assertEquals(401, r.statusCode(), headers + ": " + r.body());
        assertTrue(r.body().contains("bearer token"), r.body());
      }
      assertTrue(stillCached(h), "a refused flush must not flush");
      assertEquals(200, h.http("GET", "/health", Map.of()).statusCode());
      assertEquals(200, h.http("GET", "/metrics", Map.of()).statusCode());
      HttpResponse<String> ok =
          h.http(
              "POST", "/cache/flush?name=f.aws.test", Map.of("Authorization", "Bearer " + TOKEN));
      assertEquals(200, ok.statusCode(), ok.body());
      assertTrue(!stillCached(h), "the flush with the token flushed");
    }
  }

  @Test
  void withoutATokenAForeignOriginIsRefused() throws Exception {
    try (Harness h = cachedOne(Map.of())) {
      for (String origin : new String[] {"http://evil.example", "null"}) {
        HttpResponse<String> r =
            h.http(
                "POST",
                "/cache/flush",
                Map.of("Content-Type", "application/json", "Origin", origin));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("Origin"), r.body());
      }
      assertTrue(stillCached(h));
    }
  }

  @Test
  void withoutATokenABodylessOrTextFlushIs415AndJsonFromLoopbackWorks() throws Exception {
    try (Harness h = cachedOne(Map.of())) {
      HttpResponse<String> bare = h.http("POST", "/cache/flush", Map.of());
      assertEquals(415, bare.statusCode(), bare.body());
      assertTrue(bare.body().contains("application/json"), bare.body());
      assertEquals(
          415, h.http("POST", "/cache/flush", Map.of("Content-Type", "text/plain")).statusCode());
      assertTrue(stillCached(h));
      HttpResponse<String> ok = h.http("POST", "/cache/flush", JSON);
      assertEquals(200, ok.statusCode(), ok.body());
      assertTrue(!stillCached(h));
    }
  }

  @Test
  void theFlushApiOnANonLoopbackAddressNeedsAToken() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResolverConfig.from(Map.of("http", "0.0.0.0:8085")));
    assertTrue(e.getMessage().contains("DNSPLANE_API_TOKEN"), e.getMessage());
    assertEquals(
        "0.0.0.0",
        ResolverConfig.from(Map.of("http", "0.0.0.0:8085", "api-token", TOKEN))
            .http()
            .getHostString());
  }
}
