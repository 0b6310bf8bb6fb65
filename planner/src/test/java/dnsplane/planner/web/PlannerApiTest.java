package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.plan.PlanDiff;
import dnsplane.planner.plan.PlanView;
import dnsplane.planner.plan.PlannedAddress;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The REST API end to end: real HTTP, real PostgreSQL. Each test uses endpoints of its own. */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlannerApiTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  @Inject Router router;
  private Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.velocity-window", "1s",
            "dnsplane.planner.check.interval", "1h"));
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
  }

  static String body(int ttl, String... targets) {
    StringBuilder b = new StringBuilder("{\"ttl\":" + ttl + ",\"targets\":[");
    for (int i = 0; i < targets.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"address\":\"")
          .append(targets[i])
          .append("\",\"weight\":")
          .append(10 + i)
          .append(",\"az\":\"az-")
          .append((char) ('a' + i % 3))
          .append("\",\"check\":null}");
    }
    return b.append("]}").toString();
  }

  private PlanView plan(long generation) {
    Api.Response r = api.get("/v1/plans/" + generation);
    assertEquals(200, r.status(), r.body());
    return api.read(r, PlanView.class);
  }

  private PlanView latest() {
    return api.read(api.get("/v1/plans/latest"), PlanView.class);
  }

  static List<String> addresses(PlanView plan, String endpoint) {
    return entry(plan, endpoint).addresses().stream().map(PlannedAddress::address).toList();
  }

  static PlanView.EntryView entry(PlanView plan, String endpoint) {
    return plan.entries().stream()
        .filter(e -> e.endpoint().equals(endpoint))
        .findFirst()
        .orElseThrow(() -> new AssertionError(endpoint + " not in plan " + plan.generation()));
  }

  private EndpointView health(String endpoint, String address, boolean healthy) {
    Api.Response r =
        api.put(
            "/v1/endpoints/" + endpoint + "/targets/" + address + "/health",
            "{\"healthy\":" + healthy + "}");
    assertEquals(200, r.status(), r.body());
    return api.read(r, EndpointView.class);
  }

  @Test
  void createEndpointWritesAPlanWithItsAddresses() {
    Api.Response r =
        api.put("/v1/endpoints/Create.AWS.test", body(30, "2001:DB8::1", "192.0.2.10"));
    assertEquals(201, r.status(), r.body());
    EndpointView e = api.read(r, EndpointView.class);
    assertEquals("create.aws.test.", e.name(), "non-canonical name is canonicalised");
    assertEquals("aws.test.", e.zone());
    assertTrue(e.guarded());
    assertNotNull(e.generation());
    PlanView p = plan(e.generation());
    PlanView.EntryView entry = entry(p, "create.aws.test.");
    assertEquals(30, entry.ttl());
    assertFalse(entry.failOpen());
    // Ordered as PostgreSQL orders inet: IPv4 first; IPv6 printed canonically.
    assertEquals(
        List.of(
            new PlannedAddress("192.0.2.10", 11, "az-b"),
            new PlannedAddress("2001:db8::1", 10, "az-a")),
        entry.addresses());
    assertTrue(latest().generation() >= e.generation());
    // The stored JSON is exactly what enactors read.
    assertEquals(
        "[{\"az\": \"az-b\", \"weight\": 11, \"address\": \"192.0.2.10\"}, "
            + "{\"az\": \"az-a\", \"weight\": 10, \"address\": \"2001:db8::1\"}]",
        TestSupport.query(
            db[0],
            "SELECT addresses::text FROM plan_entry WHERE endpoint = 'create.aws.test.'"
                + " AND generation = "
                + e.generation()));
    // Replacing is a 200 and writes another plan.
    Api.Response again = api.put("/v1/endpoints/create.aws.test.", body(30, "192.0.2.10"));
    assertEquals(200, again.status(), again.body());
    long g2 = api.read(again, EndpointView.class).generation();
    assertTrue(g2 > e.generation());
    assertEquals(List.of("192.0.2.10"), addresses(plan(g2), "create.aws.test."));
  }

  @Test
  void unhealthyTargetLeavesTheNextPlanAndDiffShowsIt() {
    long g1 =
        api.read(
                api.put("/v1/endpoints/health.aws.test", body(60, "192.0.2.1", "192.0.2.2")),
                EndpointView.class)
            .generation();
    EndpointView marked = health("health.aws.test", "192.0.2.2", false);
    assertNotNull(marked.generation(), "a plan was written");
    assertFalse(marked.targets().get(1).healthy());
    long g2 = marked.generation();
    assertEquals(List.of("192.0.2.1"), addresses(plan(g2), "health.aws.test."));
    assertTrue(plan(g2).reason().contains("192.0.2.2"), plan(g2).reason());

    // unchangedHealthWritesNoPlan: the same report again changes nothing.
    long before = latest().generation();
    assertNull(health("health.aws.test.", "192.0.2.2", false).generation());
    assertEquals(before, latest().generation());

    PlanDiff d = api.read(api.get("/v1/plans/" + g1 + "/diff/" + g2), PlanDiff.class);
    assertEquals(
        List.of(new PlanDiff.EndpointDiff("health.aws.test.", List.of(), List.of("192.0.2.2"))),
        d.endpoints());

    long g3 = health("health.aws.test.", "192.0.2.2", true).generation();
    assertEquals(List.of("192.0.2.1", "192.0.2.2"), addresses(plan(g3), "health.aws.test."));
  }

  @Test
  void allUnhealthyFailsOpen() {
    api.put("/v1/endpoints/open.aws.test", body(60, "192.0.2.21", "192.0.2.22"));
    health("open.aws.test", "192.0.2.21", false);
    long g = health("open.aws.test", "192.0.2.22", false).generation();
    PlanView.EntryView e = entry(plan(g), "open.aws.test.");
    assertTrue(e.failOpen());
    assertEquals(
        List.of("192.0.2.21", "192.0.2.22"),
        e.addresses().stream().map(PlannedAddress::address).toList());
    assertEquals(
        "true",
        TestSupport.query(
            db[0],
            "SELECT fail_open::text FROM plan_entry WHERE endpoint = 'open.aws.test.' AND"
                + " generation = "
                + g));
    assertTrue(api.get("/metrics").body().contains("dnsplane_planner_fail_open_entries_total "));
    long back = health("open.aws.test", "192.0.2.22", true).generation();
    assertFalse(entry(plan(back), "open.aws.test.").failOpen());
    assertEquals(List.of("192.0.2.22"), addresses(plan(back), "open.aws.test."));
  }

  @Test
  void dualStackWithEveryIpv4UnhealthyPublishesEveryIpv4() {
    PlanJson plans = new PlanJson(api, json);
    String ep = "dual.aws.test.";
    api.put("/v1/endpoints/" + ep, body(60, "192.0.2.91", "192.0.2.92", "2001:db8::91"));
    health(ep, "192.0.2.91", false);
    long g = health(ep, "192.0.2.92", false).generation();
    // IPv6 still has a healthy address, but IPv4-only clients would get NODATA: IPv4 fails open.
    Map<String, Object> e = PlanJson.entry(plans.plan("/v1/plans/" + g), ep);
    assertEquals(List.of("192.0.2.91", "192.0.2.92", "2001:db8::91"), PlanJson.published(e));
    assertEquals(List.of("A"), PlanJson.failOpenFamilies(e));
    assertEquals(Boolean.TRUE, e.get("failOpen"));
    assertEquals(
        "true {A}",
        TestSupport.query(
            db[0],
            "SELECT fail_open || ' ' || fail_open_families::text"
                + " FROM plan_entry WHERE endpoint = '"
                + ep
                + "' AND generation = "
                + g));
    // One IPv4 address recovers: the family stops failing open and the other goes at once.
    long back = health(ep, "192.0.2.91", true).generation();
    Map<String, Object> after = PlanJson.entry(plans.plan("/v1/plans/" + back), ep);
    assertEquals(List.of("192.0.2.91", "2001:db8::91"), PlanJson.published(after));
    assertEquals(List.of(), PlanJson.failOpenFamilies(after));
    assertEquals(Boolean.FALSE, after.get("failOpen"));
  }

  @Test
  void velocityLimitDefersRemovalsToALaterPlan() {
    api.put(
        "/v1/endpoints/velocity.aws.test",
        body(60, "192.0.2.31", "192.0.2.32", "192.0.2.33", "192.0.2.34"));
    // Three of four fail at once, as a burst of health-source updates would.
    assertEquals(
        3,
        TestSupport.update(
            db[0],
            "UPDATE target SET healthy = false WHERE endpoint = 'velocity.aws.test.'"
                + " AND address <> '192.0.2.31'"));
    Api.Response forced = api.post("/v1/plans");
    assertEquals(201, forced.status(), forced.body());
    PlanView step1 = api.read(forced, PlanView.class);
    // 50% of 4 is 2: one unhealthy target stays for now.
    assertEquals(List.of("192.0.2.31", "192.0.2.34"), addresses(step1, "velocity.aws.test."));
    Await.until(
        "the velocity follow-up plan",
        Duration.ofSeconds(10),
        () -> addresses(latest(), "velocity.aws.test.").equals(List.of("192.0.2.31")));
    assertEquals("velocity follow-up", latest().reason());
    assertTrue(latest().generation() > step1.generation());
  }

  @Test
  void forcedPlanIsWrittenEvenWithoutChange() {
    api.put("/v1/endpoints/forced.aws.test", body(60, "192.0.2.41"));
    PlanView before = latest();
    Api.Response r = api.post("/v1/plans");
    assertEquals(201, r.status());
    PlanView after = api.read(r, PlanView.class);
    assertTrue(after.generation() > before.generation());
    assertEquals("forced via API", after.reason());
    assertEquals(before.entries(), after.entries());
  }

  @Test
  void listGetAndDeleteEndpoints() {
    api.put("/v1/endpoints/listed.aws.test", body(60, "192.0.2.51"));
    EndpointView[] all = api.read(api.get("/v1/endpoints"), EndpointView[].class);
    assertTrue(List.of(all).stream().anyMatch(e -> e.name().equals("listed.aws.test.")));
    assertEquals(
        "192.0.2.51",
        api.read(api.get("/v1/endpoints/LISTED.aws.test"), EndpointView.class)
            .targets()
            .get(0)
            .address());
    Api.Response del = api.delete("/v1/endpoints/listed.aws.test");
    assertEquals(200, del.status(), del.body());
    PlanView p = latest();
    // Deleting unpublishes through the plan: an entry that publishes nothing, marked deleted.
    PlanView.EntryView gone = entry(p, "listed.aws.test.");
    assertTrue(gone.deleted());
    assertEquals(List.of(), gone.addresses());
    assertTrue(p.reason().contains("deleted"));
    assertEquals(404, api.get("/v1/endpoints/listed.aws.test").status());
  }

  @Test
  void plansAreListedNewestFirst() {
    api.post("/v1/plans");
    api.post("/v1/plans");
    PlanView[] plans = api.read(api.get("/v1/plans?limit=2"), PlanView[].class);
    assertEquals(2, plans.length);
    assertTrue(plans[0].generation() > plans[1].generation());
    assertEquals(latest().generation(), plans[0].generation());
  }

  @Test
  void concurrentReportsAreSerializedAndNeverLost() throws Exception {
    // Twelve targets: six removals are within the velocity limit, so every report removes one.
    String[] targets = new String[12];
    for (int i = 0; i < 12; i++) {
      targets[i] = "198.51.100." + (i + 1);
    }
    long created =
        api.read(api.put("/v1/endpoints/race.aws.test", body(60, targets)), EndpointView.class)
            .generation();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Api.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String path = "/v1/endpoints/race.aws.test/targets/" + targets[i] + "/health";
        calls.add(() -> api.put(path, "{\"healthy\":false}"));
      }
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        assertEquals(200, f.get().status(), f.get().body());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        List.of(
            "198.51.100.7",
            "198.51.100.8",
            "198.51.100.9",
            "198.51.100.10",
            "198.51.100.11",
            "198.51.100.12"),
        addresses(latest(), "race.aws.test."));
    // Each report saw every earlier one: the endpoint shrank by exactly one per plan.
    List<Integer> sizes = new ArrayList<>();
    PlanView[] plans = api.read(api.get("/v1/plans?limit=100"), PlanView[].class);
    for (int i = plans.length - 1; i >= 0; i--) {
      if (plans[i].generation() > created) {
        plans[i].entries().stream()
            .filter(e -> e.endpoint().equals("race.aws.test."))
            .forEach(e -> sizes.add(e.addresses().size()));
      }
    }
    assertEquals(List.of(11, 10, 9, 8, 7, 6), sizes);
  }

  @Test
  void healthAndMetrics() {
    Api.Response h = api.get("/health");
    assertEquals(200, h.status());
    assertTrue(h.body().contains("\"status\":\"up\""), h.body());
    api.post("/v1/plans");
    String m = api.get("/metrics").body();
    for (String name :
        List.of(
            "dnsplane_planner_plans_written_total",
            "dnsplane_planner_fail_open_endpoints",
            "dnsplane_planner_velocity_deferred_removals_total",
            "dnsplane_planner_velocity_held_addresses",
            "dnsplane_planner_velocity_removals_total",
            "dnsplane_planner_health_checks_total",
            "dnsplane_planner_plan_write_seconds_count")) {
      assertTrue(m.contains(name), name);
    }
    assertFalse(m.contains("dnsplane_planner_plans_written_total 0\n"), m);
  }

  @Test
  void openApiDocumentCoversEveryRoute() {
    Api.Response r = api.get("/openapi.yml");
    assertEquals(200, r.status());
    // path -> methods, read from the document's "paths:" block by indentation.
    Map<String, List<String>> documented = new java.util.HashMap<>();
    String path = null;
    boolean inPaths = false;
    for (String line : r.body().split("\n")) {
      if (line.equals("paths:")) {
        inPaths = true;
      } else if (inPaths && line.matches("  /\\S*:")) {
        path = line.trim().substring(0, line.trim().length() - 1);
        documented.put(path, new ArrayList<>());
      } else if (inPaths && path != null && line.matches("    (get|put|post|delete):")) {
        documented.get(path).add(line.trim().replace(":", "").toUpperCase());
      }
    }
    // Micronaut adds a HEAD route for every GET by itself; those need no documentation.
    List<String> routes =
        router
            .uriRoutes()
            .filter(route -> !route.getHttpMethod().name().equals("HEAD"))
            .map(route -> route.getHttpMethod() + " " + route.getUriMatchTemplate().toString())
            .distinct()
            .toList();
    assertTrue(routes.size() >= 13, routes.toString());
    for (String route : routes) {
      String[] parts = route.split(" ", 2);
      assertTrue(
          documented.getOrDefault(parts[1], List.of()).contains(parts[0]),
          "undocumented route " + route);
    }
    int documentedCount = documented.values().stream().mapToInt(List::size).sum();
    assertEquals(
        routes.size(), documentedCount, "documented routes that do not exist: " + documented);
  }
}
