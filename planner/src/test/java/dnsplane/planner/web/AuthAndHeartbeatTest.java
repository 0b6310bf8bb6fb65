package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.plan.PlanView;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With a token configured, mutating calls need it; and the heartbeat keeps writing plans. */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthAndHeartbeatTest implements TestPropertyProvider {

  private static final String TOKEN = "s3cret-token";

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.api.token", TOKEN,
            "dnsplane.planner.heartbeat", "300ms",
            "dnsplane.planner.check.interval", "1h"));
  }

  @Test
  void mutatingCallsNeedTheToken() {
    Api anonymous = new Api(server.getURI(), json, null);
    Api wrong = anonymous.withToken("guess");
    Api good = anonymous.withToken(TOKEN);
    String body = PlannerApiTest.body(60, "192.0.2.1", "192.0.2.2");
    // The heartbeat keeps writing plans all along (every 300 ms), so a refused call is checked
    // against what only a call can change: the endpoints and their targets.
    String endpointsBefore =
        TestSupport.query(db[0], "SELECT count(*) FROM endpoint")
            + "/"
            + TestSupport.query(db[0], "SELECT count(*) FROM target");
    for (Api api : List.of(anonymous, wrong)) {
      Api.Response r = api.put("/v1/endpoints/auth.aws.test", body);
      assertEquals(401, r.status(), r.body());
      assertTrue(r.body().contains("bearer token"), r.body());
      assertEquals(401, api.post("/v1/plans").status());
      assertEquals(401, api.delete("/v1/endpoints/auth.aws.test").status());
      assertEquals(
          401,
          api.put("/v1/endpoints", Bulk.body(Bulk.item("bulk.auth.aws.test", 60, "192.0.2.5")))
              .status());
    }
    assertEquals(
        endpointsBefore,
        TestSupport.query(db[0], "SELECT count(*) FROM endpoint")
            + "/"
            + TestSupport.query(db[0], "SELECT count(*) FROM target"));
    assertEquals(201, good.put("/v1/endpoints/auth.aws.test", body).status());
    assertEquals(
        200,
        good.put("/v1/endpoints", Bulk.body(Bulk.item("bulk.auth.aws.test", 60, "192.0.2.5")))
            .status());
    assertEquals(
        401,
        anonymous
            .put("/v1/endpoints/auth.aws.test/targets/192.0.2.1/health", "{\"healthy\":false}")
            .status());
    assertEquals(
        200,
        good.put("/v1/endpoints/auth.aws.test/targets/192.0.2.1/health", "{\"healthy\":false}")
            .status());
    // Reads stay open.
    assertEquals(200, anonymous.get("/v1/endpoints/auth.aws.test").status());
    assertEquals(200, anonymous.get("/v1/plans/latest").status());
    assertEquals(200, anonymous.get("/health").status());
  }

  @Test
  void theTokenStandsInForTheJsonTypeButNotForAForeignOrigin() {
    String auth = "Bearer " + TOKEN;
    Api anonymous = new Api(server.getURI(), json, null);
    Api.Response text =
        anonymous.raw(
            "PUT",
            "/v1/endpoints/text.auth.aws.test",
            PlannerApiTest.body(60, "192.0.2.7"),
            Map.of("Content-Type", "text/plain", "Authorization", auth));
    assertEquals(201, text.status(), text.body());
    Api.Response evil =
        anonymous.raw(
            "PUT",
            "/v1/endpoints/evil.auth.aws.test",
            PlannerApiTest.body(60, "192.0.2.8"),
            Map.of(
                "Content-Type",
                "application/json",
                "Authorization",
                auth,
                "Origin",
                "http://evil.example"));
    assertEquals(403, evil.status(), evil.body());
    assertEquals(404, anonymous.get("/v1/endpoints/evil.auth.aws.test").status());
  }

  @Test
  void heartbeatWritesPlansWithoutChange() {
    Api api = new Api(server.getURI(), json, null);
    // What the heartbeat promises: with nothing changing, a plan is written anyway, the same as the
    // one before it. Plans the other tests' calls wrote may come first; two heartbeat plans in a
    // row are what this test waits for, and then compares.
    PlanView[] pair = new PlanView[2];
    Await.until(
        "two heartbeat plans in a row",
        Duration.ofSeconds(10),
        () -> {
          Api.Response latest = api.get("/v1/plans/latest");
          if (latest.status() != 200) {
            return false;
          }
          pair[1] = api.read(latest, PlanView.class);
          if (!pair[1].reason().equals("heartbeat") || pair[1].generation() < 2) {
            return false;
          }
          Api.Response before = api.get("/v1/plans/" + (pair[1].generation() - 1));
          if (before.status() != 200) {
            return false;
          }
          pair[0] = api.read(before, PlanView.class);
          return pair[0].reason().equals("heartbeat");
        });
    assertEquals(pair[0].entries(), pair[1].entries(), "a heartbeat plan changes nothing");
  }
}
