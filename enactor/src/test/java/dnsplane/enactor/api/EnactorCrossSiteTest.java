package dnsplane.enactor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Without a token, from loopback: what a web page can send cannot switch the enactor to legacy,
 * pause it or delay it; the same calls as JSON from a script are accepted.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnactorCrossSiteTest implements TestPropertyProvider {

  private static final String LEGACY = "{\"mode\":\"legacy\"}";
  private static final String JSON = "application/json";

  @Inject EmbeddedServer server;

  @Override
  public @NonNull Map<String, String> getProperties() {
    return EnactorTestProperties.fresh(Map.of());
  }

  @Test
  void aForeignOriginIsRefusedAndTheModeStaysSafe() {
    RawHttp http = new RawHttp(server.getURI());
    for (String origin : new String[] {"http://evil.example", "null"}) {
      HttpResponse<String> r =
          http.send("PUT", "/v1/mode", LEGACY, Map.of("Content-Type", JSON, "Origin", origin));
      assertEquals(403, r.statusCode(), r.body());
      assertTrue(r.body().contains("Origin"), "the 403 must name the Origin: " + r.body());
      assertEquals(
          403,
          http.send("POST", "/v1/pause", null, Map.of("Content-Type", JSON, "Origin", origin))
              .statusCode());
    }
    assertUntouched(http);
  }

  @Test
  void bodylessAndTextPostsAreRefusedAndChangeNothing() {
    RawHttp http = new RawHttp(server.getURI());
    HttpResponse<String> pause = http.send("POST", "/v1/pause", null, Map.of());
    assertEquals(415, pause.statusCode(), pause.body());
    assertTrue(pause.body().contains("application/json"), pause.body());
    assertEquals(
        415,
        http.send("PUT", "/v1/mode", LEGACY, Map.of("Content-Type", "text/plain")).statusCode());
    assertEquals(
        415,
        http.send(
                "PUT",
                "/v1/faults/delay",
                "{\"endpoint\":\"a.aws.test.\",\"delay\":\"20s\"}",
                Map.of("Content-Type", "application/x-www-form-urlencoded"))
            .statusCode());
    assertEquals(
        415,
        http.send(
                "POST",
                "/v1/repair",
                "{\"endpoint\":\"a.aws.test.\"}",
                Map.of("Content-Type", "text/plain"))
            .statusCode());
    assertUntouched(http);
  }

  @Test
  void theSameCallsAsJsonFromLoopbackAreAccepted() {
    RawHttp http = new RawHttp(server.getURI());
    Map<String, String> json = Map.of("Content-Type", JSON);
    HttpResponse<String> pause = http.send("POST", "/v1/pause", null, json);
    assertEquals(200, pause.statusCode(), pause.body());
    assertTrue(pause.body().contains("\"paused\":true"), pause.body());
    HttpResponse<String> resume = http.send("POST", "/v1/resume", "{}", json);
    assertEquals(200, resume.statusCode(), resume.body());
    assertTrue(resume.body().contains("\"paused\":false"), resume.body());
    HttpResponse<String> legacy =
        http.send(
            "PUT",
            "/v1/mode",
            LEGACY,
            Map.of("Content-Type", JSON, "Origin", "http://" + server.getURI().getAuthority()));
    assertEquals(200, legacy.statusCode(), legacy.body());
    assertEquals(200, http.send("PUT", "/v1/mode", "{\"mode\":\"safe\"}", json).statusCode());
    assertEquals(200, http.send("DELETE", "/v1/faults", null, json).statusCode());
  }

  private static void assertUntouched(RawHttp http) {
    String status = http.get("/v1/status");
    assertTrue(status.contains("\"mode\":\"safe\""), status);
    assertTrue(status.contains("\"paused\":false"), status);
    assertTrue(status.contains("\"faults\":[]"), status);
  }
}
