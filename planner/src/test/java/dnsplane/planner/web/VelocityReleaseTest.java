package dnsplane.planner.web;

import static dnsplane.planner.web.PlanJson.entry;
import static dnsplane.planner.web.PlanJson.held;
import static dnsplane.planner.web.PlanJson.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
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

/**
 * With a 2 s window, removals held back are released by the follow-up the planner schedules for
 * when the window allows them, with no request, heartbeat or check round to trigger it.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VelocityReleaseTest implements TestPropertyProvider {

  private static final double WINDOW_SECONDS = 2;

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    // No heartbeat (freshPlanner turns it off) and no check rounds: only the follow-up can release.
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.velocity-window", "2s",
            "dnsplane.planner.check.interval", "1h"));
  }

  @Test
  void heldRemovalsAreReleasedWhenTheWindowAllows() {
    Api api = new Api(server.getURI(), json, null);
    PlanJson plans = new PlanJson(api, json);
    String ep = "release.aws.test.";
    assertEquals(
        201,
        api.put(
                "/v1/endpoints/" + ep,
                PlannerApiTest.body(60, "192.0.2.61", "192.0.2.62", "192.0.2.63", "192.0.2.64"))
            .status());
    for (String a : List.of("192.0.2.61", "192.0.2.62", "192.0.2.63")) {
      assertEquals(
          200,
          api.put("/v1/endpoints/" + ep + "/targets/" + a + "/health", "{\"healthy\":false}")
              .status());
    }
    Map<String, Object> e = entry(plans.latest(), ep);
    assertEquals(List.of("192.0.2.63", "192.0.2.64"), published(e));
    assertEquals(List.of("192.0.2.63"), held(e));

    Await.until(
        "the follow-up to release 192.0.2.63",
        Duration.ofSeconds(20),
        () -> {
          Map<String, Object> x = entry(plans.latest(), ep);
          return published(x).equals(List.of("192.0.2.64")) && held(x).isEmpty();
        });
    assertEquals("velocity follow-up", plans.latest().get("reason"));
    // Released no earlier than the window after the first removal, by the database's clock: from
    // the first plan without 192.0.2.61 to the plan without 192.0.2.63.
    double waited =
        Double.parseDouble(
            TestSupport.query(
                db[0],
                "SELECT extract(epoch FROM max(p.created_at) FILTER (WHERE NOT e.addresses @>"
                    + " '[{\"address\": \"192.0.2.63\"}]') - min(p.created_at) FILTER (WHERE NOT"
                    + " e.addresses @> '[{\"address\": \"192.0.2.61\"}]')) FROM plan p JOIN"
                    + " plan_entry e USING (generation) WHERE e.endpoint = '"
                    + ep
                    + "'"));
    assertTrue(
        waited >= WINDOW_SECONDS, "192.0.2.63 went " + waited + " s after the first removal");
    // The release is a health removal like any other: it counts in the window that follows.
    assertEquals(
        "1",
        TestSupport.query(
            db[0],
            "SELECT count(*) FROM velocity_removal WHERE endpoint = '"
                + ep
                + "' AND address = '192.0.2.63'"));
  }
}
