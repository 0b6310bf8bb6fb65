package dnsplane.planner.web;

import static dnsplane.planner.web.PlanJson.entry;
import static dnsplane.planner.web.PlanJson.entryOrNull;
import static dnsplane.planner.web.PlanJson.generation;
import static dnsplane.planner.web.PlanJson.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deleting an endpoint unpublishes it through a plan: a deletion entry (no addresses, deleted =
 * true) that every later plan repeats until a PUT of the same name revives the endpoint.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointDeletionTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  private Api api;
  private PlanJson plans;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.velocity-window", "1h",
            "dnsplane.planner.check.interval", "1h"));
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
    plans = new PlanJson(api, json);
  }

  private String sql(String query) {
    return TestSupport.query(db[0], query);
  }

  @Test
  void deleteWritesADeletionEntryThatStaysUntilTheEndpointIsRevived() {
    String ep = "gone.aws.test.";
    assertEquals(
        201,
        api.put("/v1/endpoints/" + ep, PlannerApiTest.body(30, "192.0.2.1", "2001:db8::1"))
            .status());
    assertEquals(
        200,
        api.put("/v1/endpoints/" + ep + "/targets/192.0.2.1/health", "{\"healthy\":false}")
            .status());

    Api.Response del = api.delete("/v1/endpoints/GONE.aws.test");
    assertEquals(200, del.status(), del.body());
    Map<String, Object> answer = plans.map(del.body());
    long g = ((Number) answer.get("generation")).longValue();

    Map<String, Object> plan = plans.plan("/v1/plans/" + g);
    assertTrue(String.valueOf(plan.get("reason")).contains("deleted"), plan.toString());
    Map<String, Object> e = entry(plan, ep);
    assertEquals(Boolean.TRUE, e.get("deleted"), e.toString());
    assertEquals(List.of(), published(e));
    assertEquals(30, ((Number) e.get("ttl")).intValue());
    assertEquals(ep, answer.get("deleted"), "the answer names the endpoint canonically");
    // What the enactors read: one row, deleted, publishing nothing.
    assertEquals(
        "true|[]|[]",
        sql(
            "SELECT concat_ws('|', deleted::text, addresses::text, held::text) FROM plan_entry"
                + " WHERE generation = "
                + g
                + " AND endpoint = '"
                + ep
                + "'"));
    assertNotNull(
        sql("SELECT deleted_at FROM endpoint WHERE name = '" + ep + "'"), "soft-deleted, row kept");
    assertEquals("0", sql("SELECT count(*) FROM target WHERE endpoint = '" + ep + "'"));
    assertEquals("0", sql("SELECT count(*) FROM velocity_removal WHERE endpoint = '" + ep + "'"));

    assertEquals(404, api.get("/v1/endpoints/" + ep).status());
    assertTrue(api.get("/v1/endpoints").body().indexOf(ep) < 0, "listings leave it out");
    assertEquals(404, api.delete("/v1/endpoints/" + ep).status(), "deleting twice");
    assertEquals(
        404,
        api.put("/v1/endpoints/" + ep + "/targets/192.0.2.1/health", "{\"healthy\":true}")
            .status());

    // Later plans keep the deletion entry, so an enactor that was behind still converges.
    Api.Response forced = api.post("/v1/plans");
    assertEquals(201, forced.status(), forced.body());
    assertEquals(Boolean.TRUE, entry(plans.map(forced.body()), ep).get("deleted"));
    assertEquals(
        201,
        api.put("/v1/endpoints/other.gone.aws.test", PlannerApiTest.body(60, "192.0.2.9"))
            .status());
    assertEquals(Boolean.TRUE, entry(plans.latest(), ep).get("deleted"));

    // A PUT of the same name revives it, with new targets and a live entry.
    Api.Response revived = api.put("/v1/endpoints/" + ep, PlannerApiTest.body(60, "192.0.2.2"));
    assertEquals(201, revived.status(), revived.body());
    long g2 = ((Number) plans.map(revived.body()).get("generation")).longValue();
    Map<String, Object> back = entry(plans.plan("/v1/plans/" + g2), ep);
    assertEquals(Boolean.FALSE, back.get("deleted"));
    assertEquals(List.of("192.0.2.2"), published(back));
    assertEquals(200, api.get("/v1/endpoints/" + ep).status());
    assertEquals(null, sql("SELECT deleted_at FROM endpoint WHERE name = '" + ep + "'"));
  }

  @Test
  void bulkPutRevivesADeletedEndpointAndLeavesUnlistedOnesAlone() {
    assertEquals(
        201,
        api.put("/v1/endpoints/a.bulkdel.aws.test", PlannerApiTest.body(60, "192.0.2.21"))
            .status());
    assertEquals(
        201,
        api.put("/v1/endpoints/b.bulkdel.aws.test", PlannerApiTest.body(60, "192.0.2.22"))
            .status());
    assertEquals(200, api.delete("/v1/endpoints/a.bulkdel.aws.test").status());
    Api.Response r =
        api.put("/v1/endpoints", Bulk.body(Bulk.item("a.bulkdel.aws.test", 60, "192.0.2.23")));
    assertEquals(200, r.status(), r.body());
    Map<String, Object> result = plans.map(r.body());
    assertEquals(
        1,
        ((Number) result.get("created")).intValue(),
        "a deleted endpoint put again is created: " + result);
    Map<String, Object> p =
        plans.plan("/v1/plans/" + ((Number) result.get("generation")).longValue());
    assertEquals(List.of("192.0.2.23"), published(entry(p, "a.bulkdel.aws.test.")));
    assertEquals(Boolean.FALSE, entry(p, "a.bulkdel.aws.test.").get("deleted"));
    // The bulk PUT is an upsert: b, not listed, is neither deleted nor changed.
    assertEquals(List.of("192.0.2.22"), published(entry(p, "b.bulkdel.aws.test.")));
    assertEquals(null, entryOrNull(p, "c.bulkdel.aws.test."));
    assertTrue(generation(p) > 0);
  }
}
