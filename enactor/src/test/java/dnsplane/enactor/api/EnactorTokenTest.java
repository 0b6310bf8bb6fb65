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
 * With DNSPLANE_API_TOKEN configured, every mutating call needs it; status, health, metrics do not.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnactorTokenTest implements TestPropertyProvider {

  private static final String TOKEN = "s3cret-token";
  private static final String LEGACY = "{\"mode\":\"legacy\"}";

  @Inject EmbeddedServer server;

  @Override
  public @NonNull Map<String, String> getProperties() {
    return EnactorTestProperties.fresh(Map.of("dnsplane.api.token", TOKEN));
  }

  @Test
  void mutatingCallsWithoutTheRightTokenAre401AndChangeNothing() {
    RawHttp http = new RawHttp(server.getURI());
    for (Map<String, String> headers :
        java.util.List.of(
            Map.of("Content-Type", "application/json"),
            Map.of("Content-Type", "application/json", "Authorization", "Bearer guess"),
            Map.of("Content-Type", "application/json", "Authorization", TOKEN))) {
      HttpResponse<String> mode = http.send("PUT", "/v1/mode", LEGACY, headers);
      assertEquals(401, mode.statusCode(), headers + ": " + mode.body());
      assertTrue(mode.body().contains("bearer token"), mode.body());
      assertEquals(
          401,
          http.send(
                  "PUT",
                  "/v1/faults/delay",
                  "{\"endpoint\":\"a.aws.test.\",\"delay\":\"20s\"}",
                  headers)
              .statusCode());
      assertEquals(401, http.send("POST", "/v1/pause", null, headers).statusCode());
      assertEquals(401, http.send("DELETE", "/v1/faults", null, headers).statusCode());
      assertEquals(
          401,
          http.send("POST", "/v1/repair", "{\"endpoint\":\"a.aws.test.\"}", headers).statusCode());
    }
    String status = http.get("/v1/status");
    assertTrue(status.contains("\"mode\":\"safe\""), status);
    assertTrue(status.contains("\"paused\":false"), status);
    assertTrue(status.contains("\"faults\":[]"), status);
  }

  @Test
  void theRightTokenIsAccepted() {
    RawHttp http = new RawHttp(server.getURI());
    Map<String, String> good = Map.of("Authorization", "Bearer " + TOKEN);
    HttpResponse<String> mode = http.send("PUT", "/v1/mode", LEGACY, good);
    assertEquals(200, mode.statusCode(), mode.body());
    assertTrue(mode.body().contains("\"mode\":\"legacy\""), mode.body());
    HttpResponse<String> safe =
        http.send(
            "PUT",
            "/v1/mode",
            "{\"mode\":\"safe\"}",
            Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"));
    assertEquals(200, safe.statusCode(), safe.body());
  }

  @Test
  void statusHealthMetricsAndAuditNeedNoToken() {
    RawHttp http = new RawHttp(server.getURI());
    assertTrue(http.get("/v1/status").contains("\"az\":\"az-a\""));
    assertTrue(http.get("/health").contains("\"status\":\"ok\""));
    assertTrue(http.get("/metrics").contains("dnsplane_enactor_"));
    http.get("/v1/audit?limit=5");
  }
}
