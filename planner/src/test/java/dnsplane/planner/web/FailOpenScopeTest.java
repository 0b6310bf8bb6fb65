package dnsplane.planner.web;

import static dnsplane.planner.web.PlanJson.entry;
import static dnsplane.planner.web.PlanJson.failOpenFamilies;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The endpoint setting {@code "failOpen"}: {@code "family"} (the default) or {@code "endpoint"}
 * (the naive pre-fix rule, for reproducing the pre-fix behaviour only), through the single and bulk
 * APIs, stored in {@code endpoint.fail_open_scope}, and honoured by the plans. Real HTTP, real
 * PostgreSQL; a 2 s velocity window so that a held removal is released within the test.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailOpenScopeTest implements TestPropertyProvider {

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
            "dnsplane.planner.velocity-window", "2s",
            "dnsplane.planner.check.interval", "1h"));
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
    plans = new PlanJson(api, json);
  }

  /**
   * A dual-stack body: two IPv4 targets, one IPv6, health reported; {@code failOpen} left out when
   * null.
   */
  private static String dualStack(String failOpen, String v4a, String v4b, String v6) {
    String scope = failOpen == null ? "" : "\"failOpen\":" + failOpen + ",";
    return "{\"ttl\":5,\"guarded\":false,"
        + scope
        + "\"targets\":["
        + "{\"address\":\""
        + v4a
        + "\",\"az\":\"az-a\"},"
        + "{\"address\":\""
        + v4b
        + "\",\"az\":\"az-b\"},"
        + "{\"address\":\""
        + v6
        + "\",\"az\":\"az-c\"}]}";
  }

  private String stored(String endpoint) {
    return TestSupport.query(
        db[0], "SELECT fail_open_scope FROM endpoint WHERE name = '" + endpoint + "'");
  }

  private Object failOpenOf(Api.Response r) {
    return plans.map(r.body()).get("failOpen");
  }

  private void unhealthy(String endpoint, String address) {
    Api.Response r =
        api.put(
            "/v1/endpoints/" + endpoint + "/targets/" + address + "/health", "{\"healthy\":false}");
    assertEquals(200, r.status(), r.body());
  }

  @Test
  void singlePutAcceptsAndReturnsTheScopeAndDefaultsToFamily() {
    String ep = "scope.aws.test.";
    Api.Response created =
        api.put(
            "/v1/endpoints/" + ep,
            dualStack("\"endpoint\"", "192.0.2.1", "192.0.2.2", "2001:db8::1"));
    assertEquals(201, created.status(), created.body());
    assertEquals("endpoint", failOpenOf(created));
    assertEquals("endpoint", failOpenOf(api.get("/v1/endpoints/" + ep)));
    assertEquals("endpoint", stored(ep));
    assertTrue(api.get("/v1/endpoints").body().contains("\"failOpen\":\"endpoint\""));

    // A PUT replaces the whole definition: left out (or null) is the default again.
    Api.Response replaced =
        api.put("/v1/endpoints/" + ep, dualStack(null, "192.0.2.1", "192.0.2.2", "2001:db8::1"));
    assertEquals(200, replaced.status(), replaced.body());
    assertEquals("family", failOpenOf(replaced));
    assertEquals("family", stored(ep));
    assertEquals(
        200,
        api.put(
                "/v1/endpoints/" + ep,
                dualStack("\"endpoint\"", "192.0.2.1", "192.0.2.2", "2001:db8::1"))
            .status());
    assertEquals(
        200,
        api.put("/v1/endpoints/" + ep, dualStack("null", "192.0.2.1", "192.0.2.2", "2001:db8::1"))
            .status());
    assertEquals("family", stored(ep));
    assertEquals(
        200,
        api.put(
                "/v1/endpoints/" + ep,
                dualStack("\"family\"", "192.0.2.1", "192.0.2.2", "2001:db8::1"))
            .status());
    assertEquals("family", failOpenOf(api.get("/v1/endpoints/" + ep)));
  }

  @Test
  void anyOtherValueIsRefusedNamingTheFieldAndNothingIsStored() {
    String ep = "refused.aws.test.";
    assertEquals(
        201,
        api.put(
                "/v1/endpoints/" + ep,
                dualStack("\"endpoint\"", "192.0.2.11", "192.0.2.12", "2001:db8::11"))
            .status());
    for (String bad :
        List.of(
            "\"none\"", "\"Family\"", "\"ENDPOINT\"", "\"\"", "true", "1", "[\"family\"]", "{}")) {
      String before = TestSupport.snapshot(db[0]);
      for (String target : List.of(ep, "new-" + ep)) {
        Api.Response r =
            api.put(
                "/v1/endpoints/" + target,
                dualStack(bad, "192.0.2.11", "192.0.2.12", "2001:db8::11"));
        assertTrue(
            r.status() == 400 || r.status() == 422, bad + " -> " + r.status() + " " + r.body());
        Object error = plans.map(r.body()).get("error");
        assertTrue(error != null && error.toString().contains("failOpen"), bad + " -> " + r.body());
      }
      Api.Response bulk =
          api.put(
              "/v1/endpoints",
              Bulk.body(
                  Bulk.item("other.aws.test", 60, "192.0.2.13"),
                  "{\"name\":\"bulk-bad.aws.test\",\"failOpen\":"
                      + bad
                      + ",\"targets\":[{\"address\":\"192.0.2.14\",\"az\":\"az-a\"}]}"));
      assertTrue(
          bulk.status() == 400 || bulk.status() == 422,
          bad + " -> " + bulk.status() + " " + bulk.body());
      String error = String.valueOf(plans.map(bulk.body()).get("error"));
      assertTrue(error.contains("failOpen"), bad + " -> " + bulk.body());
      assertEquals(before, TestSupport.snapshot(db[0]), "nothing stored for " + bad);
    }
    assertEquals("endpoint", stored(ep), "the endpoint keeps its scope");
    assertEquals(404, api.get("/v1/endpoints/new-" + ep).status());
    // A string value is named exactly, with the element in bulk.
    Api.Response bulk =
        api.put(
            "/v1/endpoints",
            Bulk.body(
                Bulk.item("other.aws.test", 60, "192.0.2.13"),
                "{\"name\":\"bulk-bad.aws.test\",\"failOpen\":\"per-family\",\"targets\":[{\"address\":\"192.0.2.14\",\"az\":\"az-a\"}]}"));
    assertEquals(422, bulk.status(), bulk.body());
    assertTrue(
        bulk.body().contains("endpoints[1] (bulk-bad.aws.test): failOpen must be"), bulk.body());
    assertTrue(bulk.body().contains("got \\\"per-family\\\""), bulk.body());
  }

  @Test
  void bulkPutAcceptsAndReturnsTheScope() {
    Api.Response r =
        api.put(
            "/v1/endpoints",
            Bulk.body(
                "{\"name\":\"bulk-naive.aws.test\",\"failOpen\":\"endpoint\",\"targets\":[{\"address\":\"192.0.2.21\",\"az\":\"az-a\"}]}",
                "{\"name\":\"bulk-safe.aws.test\",\"failOpen\":\"family\",\"targets\":[{\"address\":\"192.0.2.22\",\"az\":\"az-a\"}]}",
                "{\"name\":\"bulk-default.aws.test\",\"targets\":[{\"address\":\"192.0.2.23\",\"az\":\"az-a\"}]}"));
    assertEquals(200, r.status(), r.body());
    assertEquals("endpoint", failOpenOf(api.get("/v1/endpoints/bulk-naive.aws.test.")));
    assertEquals("family", failOpenOf(api.get("/v1/endpoints/bulk-safe.aws.test.")));
    assertEquals("family", failOpenOf(api.get("/v1/endpoints/bulk-default.aws.test.")));
    assertEquals("endpoint", stored("bulk-naive.aws.test."));
    // Replacing in bulk replaces the scope too.
    assertEquals(
        200,
        api.put(
                "/v1/endpoints",
                Bulk.body(
                    "{\"name\":\"bulk-naive.aws.test\",\"targets\":[{\"address\":\"192.0.2.21\",\"az\":\"az-a\"}]}"))
            .status());
    assertEquals("family", stored("bulk-naive.aws.test."));
  }

  @Test
  void familyScopePublishesEveryIpv4WhenEveryIpv4TargetIsUnhealthy() {
    String ep = "family.aws.test.";
    assertEquals(
        201,
        api.put(
                "/v1/endpoints/" + ep,
                dualStack("\"family\"", "192.0.2.31", "192.0.2.32", "2001:db8::31"))
            .status());
    unhealthy(ep, "192.0.2.31");
    assertEquals(List.of("192.0.2.32", "2001:db8::31"), published(entry(plans.latest(), ep)));
    unhealthy(ep, "192.0.2.32");
    Map<String, Object> e = entry(plans.latest(), ep);
    assertEquals(List.of("192.0.2.31", "192.0.2.32", "2001:db8::31"), published(e));
    assertEquals(List.of("A"), failOpenFamilies(e));
    assertEquals(Boolean.TRUE, e.get("failOpen"));
    long g = PlanJson.generation(plans.latest());
    // Past the window nothing changes: failing open is not a hold waiting for release.
    Await.until(
        "the 2 s window to pass plan " + g + " by the database's clock",
        Duration.ofSeconds(20),
        () ->
            "true"
                .equals(
                    TestSupport.query(
                        db[0],
                        "SELECT (clock_timestamp() - created_at > interval '2.5 seconds')::text"
                            + " FROM plan WHERE generation = "
                            + g)));
    Api.Response forced = api.post("/v1/plans");
    assertEquals(201, forced.status(), forced.body());
    Map<String, Object> later = entry(plans.map(forced.body()), ep);
    assertEquals(List.of("192.0.2.31", "192.0.2.32", "2001:db8::31"), published(later));
    assertEquals(List.of("A"), failOpenFamilies(later));
  }

  @Test
  void endpointScopeEmptiesIpv4WhileIpv6IsHealthy() {
    String ep = "naive.aws.test.";
    assertEquals(
        201,
        api.put(
                "/v1/endpoints/" + ep,
                dualStack("\"endpoint\"", "192.0.2.41", "192.0.2.42", "2001:db8::41"))
            .status());
    unhealthy(ep, "192.0.2.41");
    unhealthy(ep, "192.0.2.42");
    // The velocity limit (one IPv4 removal per window) holds the last IPv4 address back for now ...
    Map<String, Object> e = entry(plans.latest(), ep);
    assertEquals(List.of("192.0.2.42", "2001:db8::41"), published(e));
    assertEquals(List.of("192.0.2.42"), held(e));
    assertEquals(List.of(), failOpenFamilies(e));
    // ... and once the window allows it, the naive rule empties A: IPv6 is healthy, so it does not
    // fail open.
    Await.until(
        "the follow-up that empties A",
        Duration.ofSeconds(20),
        () -> published(entry(plans.latest(), ep)).equals(List.of("2001:db8::41")));
    Map<String, Object> after = entry(plans.latest(), ep);
    assertEquals(List.of(), failOpenFamilies(after));
    assertEquals(Boolean.FALSE, after.get("failOpen"));
    assertEquals(List.of(), held(after));
    assertEquals(
        "{}",
        TestSupport.query(
            db[0],
            "SELECT fail_open_families::text FROM plan_entry WHERE endpoint = '"
                + ep
                + "' AND generation = "
                + PlanJson.generation(plans.latest())));
  }
}
