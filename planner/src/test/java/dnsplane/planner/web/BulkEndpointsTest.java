package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.endpoint.BulkRequest;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.plan.PlanView;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** PUT /v1/endpoints end to end: many endpoints, one transaction, one plan. */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkEndpointsTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(db, Map.of("dnsplane.planner.check.interval", "1h"));
  }

  private Api api() {
    return new Api(server.getURI(), json, null);
  }

  private long plans() {
    return Long.parseLong(TestSupport.query(db[0], "SELECT count(*) FROM plan"));
  }

  private BulkRequest.Result put(String body) {
    Api.Response r = api().put("/v1/endpoints", body);
    assertEquals(200, r.status(), r.body());
    return api().read(r, BulkRequest.Result.class);
  }

  private PlanView plan(long generation) {
    return api().read(api().get("/v1/plans/" + generation), PlanView.class);
  }

  @Test
  void bulkCreateWritesOnePlanWithEveryEndpoint() {
    long before = plans();
    BulkRequest.Result r =
        put(
            Bulk.body(
                Bulk.item("one.create.aws.test", 30, "192.0.2.1", "2001:db8::1"),
                Bulk.item("Two.Create.AWS.test.", 60, "192.0.2.2")));
    assertEquals(2, r.created());
    assertEquals(0, r.replaced());
    assertEquals(before + 1, plans(), "exactly one plan written");
    PlanView p = plan(r.generation());
    assertEquals(
        p.generation(), api().read(api().get("/v1/plans/latest"), PlanView.class).generation());
    assertTrue(p.reason().contains("bulk"), p.reason());
    assertEquals(
        List.of("192.0.2.1", "2001:db8::1"), PlannerApiTest.addresses(p, "one.create.aws.test."));
    assertEquals(30, PlannerApiTest.entry(p, "one.create.aws.test.").ttl());
    assertEquals(
        List.of("192.0.2.2"),
        PlannerApiTest.addresses(p, "two.create.aws.test."),
        "name canonicalised");
  }

  @Test
  void bulkReplacesAndCreatesAndLeavesOthersAlone() {
    assertEquals(
        201,
        api()
            .put(
                "/v1/endpoints/old.mixed.aws.test",
                PlannerApiTest.body(60, "192.0.2.10", "192.0.2.11"))
            .status());
    assertEquals(
        201,
        api()
            .put("/v1/endpoints/untouched.mixed.aws.test", PlannerApiTest.body(60, "192.0.2.20"))
            .status());
    assertEquals(
        200,
        api()
            .put(
                "/v1/endpoints/old.mixed.aws.test/targets/192.0.2.11/health", "{\"healthy\":false}")
            .status());
    long before = plans();
    BulkRequest.Result r =
        put(
            Bulk.body(
                Bulk.item("old.mixed.aws.test", 120, "192.0.2.11", "192.0.2.12"),
                Bulk.item("new.mixed.aws.test", 60, "192.0.2.30")));
    assertEquals(1, r.created());
    assertEquals(1, r.replaced());
    assertEquals(before + 1, plans());
    EndpointView old =
        api().read(api().get("/v1/endpoints/old.mixed.aws.test"), EndpointView.class);
    assertEquals(120, old.ttl());
    assertEquals(
        List.of("192.0.2.11", "192.0.2.12"),
        old.targets().stream().map(EndpointView.TargetView::address).toList(),
        "192.0.2.10 removed, 192.0.2.12 added");
    assertFalse(old.targets().get(0).healthy(), "a kept target keeps its health");
    assertTrue(old.targets().get(1).healthy(), "a new target starts healthy");
    PlanView p = plan(r.generation());
    assertEquals(List.of("192.0.2.12"), PlannerApiTest.addresses(p, "old.mixed.aws.test."));
    assertEquals(List.of("192.0.2.20"), PlannerApiTest.addresses(p, "untouched.mixed.aws.test."));
    assertEquals(List.of("192.0.2.30"), PlannerApiTest.addresses(p, "new.mixed.aws.test."));
  }

  @Test
  void twoThousandEndpointsInOneCallWriteExactlyOnePlan() {
    long before = plans();
    BulkRequest.Result r = put(Bulk.many("fleet", 2000));
    assertEquals(2000, r.created());
    assertEquals(before + 1, plans(), "one plan, not 2,000");
    assertEquals(
        "2000",
        TestSupport.query(
            db[0],
            "SELECT count(*) FROM plan_entry WHERE generation = "
                + r.generation()
                + " AND endpoint LIKE 'fleet-%'"));
    assertEquals(
        "6000",
        TestSupport.query(db[0], "SELECT count(*) FROM target WHERE endpoint LIKE 'fleet-%'"));
    // The same call again replaces all of them, again in one plan.
    BulkRequest.Result again = put(Bulk.many("fleet", 2000));
    assertEquals(0, again.created());
    assertEquals(2000, again.replaced());
    assertEquals(before + 2, plans());
  }
}
