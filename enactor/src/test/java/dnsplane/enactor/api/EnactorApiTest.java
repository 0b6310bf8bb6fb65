package dnsplane.enactor.api;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.micronaut.MicronautTransactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnactorApiTest implements TestPropertyProvider {

  static final String DDB = "dynamodb.us-east-1.aws.test.";

  private TestDb db;

  @Inject
  @Client("/")
  HttpClient http;

  @Override
  public @NonNull Map<String, String> getProperties() {
    db = TestPostgres.freshDatabase();
    Map<String, String> p = new HashMap<>();
    p.put("micronaut.server.port", "-1");
    p.put("enactor.az", "az-a");
    p.put("enactor.verify", "false");
    p.put("enactor.poll", "200ms");
    p.put("enactor.db.url", db.settings().jdbcUrl());
    p.put("enactor.db.user", db.settings().user());
    p.put("enactor.db.password", db.settings().password());
    return p;
  }

  @Inject Transactions transactions;

  @Test
  void theServiceRunsOnMicronautsTransactions() {
    assertInstanceOf(MicronautTransactions.class, transactions);
  }

  @Test
  void theAuditIsReadThroughTheRepositoryFilteredByActor() throws Exception {
    exec(
        db,
        "INSERT INTO audit_log (actor, action, detail) VALUES ('az-x', 'probe', 'x1'),"
            + " ('az-y', 'probe', 'y1'), ('az-x', 'probe', 'x2')");
    String x = http.toBlocking().retrieve("/v1/audit?limit=10&actor=az-x");
    assertTrue(x.indexOf("\"detail\":\"x2\"") < x.indexOf("\"detail\":\"x1\""), x);
    assertTrue(x.contains("\"x1\"") && x.contains("\"x2\""), x);
    assertFalse(x.contains("az-y"), x);
    assertBad(HttpRequest.GET("/v1/audit?actor=a%00b"), "NUL");
  }

  @Test
  void statusHasTheContractShape() {
    String body = http.toBlocking().retrieve("/v1/status");
    assertTrue(body.contains("\"az\":\"az-a\""), body);
    assertTrue(body.contains("\"stuck\":false"), body);
    assertTrue(body.contains("\"stuckReason\":null"), body);
    assertTrue(body.contains("\"faults\":["), body);
  }

  @Test
  void modeSwitchesAtRuntimeAndBadModeIs400() throws Exception {
    String body = http.toBlocking().retrieve(HttpRequest.PUT("/v1/mode", "{\"mode\":\"legacy\"}"));
    assertTrue(body.contains("\"mode\":\"legacy\""), body);
    assertEquals("legacy", text(db, "SELECT mode FROM enactor_status WHERE az = 'az-a'"));
    assertBad(HttpRequest.PUT("/v1/mode", "{\"mode\":\"fast\"}"), "fast");
    assertBad(HttpRequest.PUT("/v1/mode", "{}"), "mode");
    http.toBlocking().retrieve(HttpRequest.PUT("/v1/mode", "{\"mode\":\"safe\"}"));
    assertEquals("safe", text(db, "SELECT mode FROM enactor_status WHERE az = 'az-a'"));
  }

  @Test
  void aFormBodyIs415WithoutATokenAndBadJsonIs400() {
    HttpClientResponseException e =
        assertThrows(
            HttpClientResponseException.class,
            () ->
                http.toBlocking()
                    .exchange(
                        HttpRequest.PUT("/v1/mode", "{\"mode\":\"safe\"}")
                            .contentType(
                                io.micronaut.http.MediaType.APPLICATION_FORM_URLENCODED_TYPE),
                        String.class));
    assertEquals(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getStatus());
    assertBad(HttpRequest.PUT("/v1/mode", "not json"), "body is not");
    assertBad(HttpRequest.POST("/v1/repair", ""), "body is missing");
  }

  @Test
  void faultsAreSetShownAndCleared() {
    String body =
        http.toBlocking()
            .retrieve(
                HttpRequest.PUT(
                    "/v1/faults/delay",
                    "{\"endpoint\":\"DynamoDB.us-east-1.aws.test\",\"delay\":\"20s\"}"));
    assertTrue(body.contains("{\"endpoint\":\"" + DDB + "\",\"delay\":\"PT20S\"}"), body);
    assertBad(
        HttpRequest.PUT("/v1/faults/delay", "{\"endpoint\":\"" + DDB + "\",\"delay\":\"soon\"}"),
        "soon");
    assertBad(
        HttpRequest.PUT("/v1/faults/delay", "{\"endpoint\":\"bad name!\",\"delay\":\"1s\"}"),
        "bad name!");
    body =
        http.toBlocking()
            .retrieve(
                HttpRequest.DELETE("/v1/faults")
                    .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE));
    assertTrue(body.contains("\"faults\":[]"), body);
  }

  @Test
  void pauseAndResume() throws Exception {
    assertTrue(
        http.toBlocking().retrieve(HttpRequest.POST("/v1/pause", "")).contains("\"paused\":true"));
    assertEquals("t", text(db, "SELECT paused FROM enactor_status WHERE az = 'az-a'"));
    assertTrue(
        http.toBlocking()
            .retrieve(HttpRequest.POST("/v1/resume", ""))
            .contains("\"paused\":false"));
  }

  @Test
  void repairWritesTheNewestPlanAndIsAudited() throws Exception {
    assertBad(HttpRequest.POST("/v1/repair", "{}"), "endpoint");
    exec(db, "INSERT INTO zone (name) VALUES ('aws.test.') ON CONFLICT DO NOTHING");
    // A plan and its entries in one transaction (one statement), as the schema requires.
    exec(
        db,
        "WITH p AS (INSERT INTO plan (reason) VALUES ('api test') RETURNING generation)"
            + " INSERT INTO plan_entry (generation, endpoint, ttl, addresses) SELECT generation, '"
            + DDB
            + "', 60, '[{\"address\":\"192.0.2.10\",\"weight\":100,\"az\":\"az-a\"}]' FROM p");
    String gen = text(db, "SELECT max(generation) FROM plan");
    String body =
        http.toBlocking()
            .retrieve(HttpRequest.POST("/v1/repair", "{\"endpoint\":\"" + DDB + "\"}"));
    assertTrue(body.contains("\"generation\":" + gen), body);
    // The apply loop may have written the plan first: then the safe repair finds it unchanged.
    assertTrue(body.matches(".*\"outcome\":\"(write|unchanged)\".*"), body);
    assertEquals(
        "{192.0.2.10}",
        text(db, "SELECT rdata FROM rrset WHERE name = '" + DDB + "' AND type = 'A'"));
    assertEquals(
        "{\"\\\"" + gen + "\\\"\"}",
        text(db, "SELECT rdata FROM rrset WHERE name = '_plan." + DDB + "' AND type = 'TXT'"));
    assertBad(HttpRequest.POST("/v1/repair", "{\"endpoint\":\"s3.aws.test.\"}"), "s3.aws.test.");
    String audit = http.toBlocking().retrieve("/v1/audit?limit=50");
    assertTrue(audit.contains("\"action\":\"repair\""), audit);
    assertBad(HttpRequest.GET("/v1/audit?limit=0"), "limit");
    assertBad(HttpRequest.GET("/v1/audit?limit=many"), "many");
  }

  @Test
  void healthAndMetrics() {
    HttpResponse<String> h = http.toBlocking().exchange("/health", String.class);
    assertEquals(HttpStatus.OK, h.getStatus());
    assertTrue(h.body().contains("\"status\":\"ok\""), h.body());
    String m = http.toBlocking().retrieve("/metrics");
    assertTrue(m.contains("dnsplane_enactor_plans_applied_total{az=\"az-a\"}"), m);
    assertTrue(m.contains("dnsplane_enactor_apply_latency_seconds_count{az=\"az-a\"}"), m);
    for (String c : new String[] {"empty_family_rejections", "invalid_entries", "unpublished"}) {
      assertTrue(m.contains("dnsplane_enactor_" + c + "_total{az=\"az-a\"}"), c + ": " + m);
    }
  }

  private void assertBad(HttpRequest<?> request, String named) {
    HttpClientResponseException e =
        assertThrows(
            HttpClientResponseException.class,
            () -> http.toBlocking().exchange(request, String.class));
    assertEquals(HttpStatus.BAD_REQUEST, e.getStatus());
    String body = e.getResponse().getBody(String.class).orElse("");
    assertTrue(body.contains(named), "the 400 must name " + named + ": " + body);
  }
}
