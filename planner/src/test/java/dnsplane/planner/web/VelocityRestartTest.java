package dnsplane.planner.web;

import static dnsplane.planner.web.PlanJson.entry;
import static dnsplane.planner.web.PlanJson.held;
import static dnsplane.planner.web.PlanJson.published;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The velocity history lives in the database: a planner that restarts (or another planner) keeps
 * holding what the previous one held, and releases it by itself once the window allows.
 */
@RequiresPostgres
class VelocityRestartTest {

  private static final String EP = "restart.aws.test.";

  private static EmbeddedServer start(TestDb db, String window) {
    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    props.put("micronaut.server.port", -1);
    props.put("dnsplane.planner.heartbeat", "0");
    props.put("dnsplane.planner.check.interval", "1h");
    props.put("dnsplane.planner.velocity-window", window);
    return ApplicationContext.run(EmbeddedServer.class, props);
  }

  @Test
  void heldRemovalsSurviveARestartAndAreReleasedByTheNextPlanner() {
    TestDb db = TestSupport.freshDatabaseWithZone();
    try (EmbeddedServer first = start(db, "1h")) {
      Api api =
          new Api(first.getURI(), first.getApplicationContext().getBean(JsonMapper.class), null);
      assertEquals(
          201,
          api.put(
                  "/v1/endpoints/" + EP,
                  PlannerApiTest.body(60, "192.0.2.71", "192.0.2.72", "192.0.2.73", "192.0.2.74"))
              .status());
      for (String a : List.of("192.0.2.71", "192.0.2.72", "192.0.2.73")) {
        assertEquals(
            200,
            api.put("/v1/endpoints/" + EP + "/targets/" + a + "/health", "{\"healthy\":false}")
                .status());
      }
      assertEquals(List.of("192.0.2.73"), held(entry(new PlanJson(api, api.json()).latest(), EP)));
    }
    try (EmbeddedServer second = start(db, "1h")) {
      Api api =
          new Api(second.getURI(), second.getApplicationContext().getBean(JsonMapper.class), null);
      PlanJson plans = new PlanJson(api, api.json());
      Api.Response forced = api.post("/v1/plans");
      assertEquals(201, forced.status(), forced.body());
      Map<String, Object> e = entry(plans.map(forced.body()), EP);
      assertEquals(
          List.of("192.0.2.73", "192.0.2.74"), published(e), "the new planner keeps the hold");
      assertEquals(List.of("192.0.2.73"), held(e));
    }
    // A planner whose window has already passed releases the hold at start, with no request.
    try (EmbeddedServer third = start(db, "1s")) {
      Api api =
          new Api(third.getURI(), third.getApplicationContext().getBean(JsonMapper.class), null);
      PlanJson plans = new PlanJson(api, api.json());
      Await.until(
          "the restarted planner to release 192.0.2.73",
          Duration.ofSeconds(20),
          () -> {
            Map<String, Object> x = entry(plans.latest(), EP);
            return published(x).equals(List.of("192.0.2.74")) && held(x).isEmpty();
          });
    }
  }
}
