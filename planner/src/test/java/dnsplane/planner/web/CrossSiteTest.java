package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Without a token, from loopback: what a web page in a browser can send (a foreign Origin, a
 * body-less or text/plain POST) changes nothing; the same call as JSON from a script is accepted.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteTest implements TestPropertyProvider {

  private static final String EVIL = "http://evil.example";

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  private Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(db, Map.of("dnsplane.planner.check.interval", "1h"));
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
  }

  @Test
  void foreignOriginIsRefusedAndChangesNothing() {
    String before = TestSupport.snapshot(db[0]);
    for (String origin : new String[] {EVIL, "null"}) {
      Api.Response put =
          api.raw(
              "PUT",
              "/v1/endpoints/evil.aws.test",
              PlannerApiTest.body(60, "192.0.2.66"),
              Map.of("Content-Type", "application/json", "Origin", origin));
      assertEquals(403, put.status(), put.body());
      assertTrue(put.body().contains("Origin"), put.body());
      Api.Response plan =
          api.raw(
              "POST",
              "/v1/plans",
              null,
              Map.of("Content-Type", "application/json", "Origin", origin));
      assertEquals(403, plan.status(), plan.body());
    }
    assertEquals(before, TestSupport.snapshot(db[0]));
  }

  @Test
  void bodylessOrTextPostIsRefusedAndChangesNothing() {
    String before = TestSupport.snapshot(db[0]);
    Api.Response bare = api.raw("POST", "/v1/plans", null, Map.of());
    assertEquals(415, bare.status(), bare.body());
    assertTrue(bare.body().contains("application/json"), bare.body());
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded"}) {
      Api.Response r =
          api.raw(
              "PUT",
              "/v1/endpoints/form.aws.test",
              PlannerApiTest.body(60, "192.0.2.81"),
              Map.of("Content-Type", type));
      assertEquals(415, r.status(), type + ": " + r.body());
    }
    assertEquals(before, TestSupport.snapshot(db[0]));
  }

  @Test
  void theSameCallsAsJsonAreAccepted() {
    Api.Response plan =
        api.raw("POST", "/v1/plans", null, Map.of("Content-Type", "application/json"));
    assertEquals(201, plan.status(), plan.body());
    Api.Response empty =
        api.raw("POST", "/v1/plans", "{}", Map.of("Content-Type", "application/json"));
    assertEquals(201, empty.status(), empty.body());
    String own = "http://" + server.getURI().getAuthority();
    Api.Response put =
        api.raw(
            "PUT",
            "/v1/endpoints/json.aws.test",
            PlannerApiTest.body(60, "192.0.2.82"),
            Map.of("Content-Type", "application/json; charset=utf-8", "Origin", own));
    assertEquals(201, put.status(), put.body());
  }
}
