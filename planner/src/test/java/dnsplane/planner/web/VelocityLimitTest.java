package dnsplane.planner.web;

import static dnsplane.planner.web.PlanJson.entry;
import static dnsplane.planner.web.PlanJson.generation;
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

/**
 * The velocity limit holds over a window, per endpoint and address family, however the reports
 * arrive. The window (1 h) never ends during these tests, so nothing held may be released; a
 * heartbeat every 200 ms keeps writing forced plans meanwhile.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VelocityLimitTest implements TestPropertyProvider {

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
            "dnsplane.planner.heartbeat", "200ms",
            "dnsplane.planner.check.interval", "1h"));
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
    plans = new PlanJson(api, json);
  }

  private void create(String endpoint, String... targets) {
    Api.Response r = api.put("/v1/endpoints/" + endpoint, PlannerApiTest.body(60, targets));
    assertEquals(201, r.status(), r.body());
  }

  private void report(String endpoint, String address, boolean healthy) {
    Api.Response r =
        api.put(
            "/v1/endpoints/" + endpoint + "/targets/" + address + "/health",
            "{\"healthy\":" + healthy + "}");
    assertEquals(200, r.status(), r.body());
  }

  private Map<String, Object> latest(String endpoint) {
    return entry(plans.latest(), endpoint);
  }

  private long removalsRecorded(String endpoint) {
    return Long.parseLong(
        TestSupport.query(
            db[0], "SELECT count(*) FROM velocity_removal WHERE endpoint = '" + endpoint + "'"));
  }

  private static List<String> range(String prefix, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  @Test
  void nineFailuresReportedOneAtATimeRemoveAtMostFourWithinTheWindow() {
    String ep = "nine.aws.test.";
    create(ep, range("192.0.2.", 1, 9).toArray(String[]::new));
    for (int i = 1; i <= 8; i++) {
      report(ep, "192.0.2." + i, false);
      List<String> published = published(latest(ep));
      assertTrue(
          9 - published.size() <= 4,
          "after report "
              + i
              + ": "
              + (9 - published.size())
              + " removed within the window, published "
              + published);
    }
    Map<String, Object> e = latest(ep);
    assertEquals(
        range("192.0.2.", 5, 9), published(e), "the first four failures went, the rest stay");
    assertEquals(range("192.0.2.", 5, 8), held(e), "every held-back removal is named in the plan");
    assertEquals(4, removalsRecorded(ep));
    assertEquals(
        "4",
        TestSupport.query(
            db[0],
            "SELECT jsonb_array_length(held) FROM plan_entry"
                + " WHERE endpoint = '"
                + ep
                + "' ORDER BY generation DESC LIMIT 1"));
    String metrics = api.get("/metrics").body();
    long heldInLatest = heldInLatestPlan();
    assertEquals(
        heldInLatest,
        PlanJson.metric(metrics, "dnsplane_planner_velocity_held_addresses"),
        metrics);
    assertTrue(
        PlanJson.metric(metrics, "dnsplane_planner_velocity_deferred_removals_total") >= 4,
        metrics);

    // The ninth failure leaves no healthy IPv4 target: the family fails open, all nine published.
    report(ep, "192.0.2.9", false);
    e = latest(ep);
    assertEquals(range("192.0.2.", 1, 9), published(e));
    assertEquals(List.of("A"), PlanJson.failOpenFamilies(e));
    assertEquals(List.of(), held(e));
  }

  private long heldInLatestPlan() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) plans.latest().get("entries");
    return entries.stream().mapToLong(x -> held(x).size()).sum();
  }

  @Test
  void heartbeatsForcedPlansAndOtherEndpointsDoNotReleaseHeldRemovals() {
    String ep = "steady.aws.test.";
    create(ep, "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14");
    report(ep, "192.0.2.11", false);
    report(ep, "192.0.2.12", false);
    report(ep, "192.0.2.13", false);
    assertEquals(
        List.of("192.0.2.13", "192.0.2.14"), published(latest(ep)), "50% of 4: two may go");
    assertEquals(List.of("192.0.2.13"), held(latest(ep)));

    for (int i = 0; i < 3; i++) {
      Api.Response forced = api.post("/v1/plans");
      assertEquals(201, forced.status(), forced.body());
      assertEquals(
          List.of("192.0.2.13", "192.0.2.14"), published(entry(plans.map(forced.body()), ep)));
    }
    create("neighbour.steady.aws.test.", "192.0.2.15", "192.0.2.16");
    report("neighbour.steady.aws.test.", "192.0.2.15", false);
    assertEquals(
        200,
        api.put(
                "/v1/endpoints",
                Bulk.body(
                    Bulk.item("bulk.steady.aws.test", 60, "192.0.2.17"),
                    Bulk.item(ep, 60, "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14")))
            .status());
    assertEquals(
        200,
        api.put(
                "/v1/endpoints/" + ep,
                PlannerApiTest.body(60, "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"))
            .status());
    long after = generation(plans.latest());
    Await.until(
        "two heartbeat plans after the changes",
        Duration.ofSeconds(10),
        () -> {
          Map<String, Object> p = plans.latest();
          return generation(p) >= after + 2 && "heartbeat".equals(p.get("reason"));
        });
    assertEquals(List.of("192.0.2.13", "192.0.2.14"), published(latest(ep)));
    assertEquals(List.of("192.0.2.13"), held(latest(ep)));
    assertEquals(2, removalsRecorded(ep));
  }

  @Test
  void bulkReportsAreLimitedLikeSingleOnes() throws Exception {
    String ep = "bulk.velocity.aws.test.";
    create(ep, range("198.51.100.", 1, 10).toArray(String[]::new));
    // Six failures land at once (as an active-check round or a health feed would store them).
    assertEquals(
        6,
        TestSupport.update(
            db[0],
            "UPDATE target SET healthy = false, health_changed_at = now()"
                + " WHERE endpoint = '"
                + ep
                + "' AND address <= '198.51.100.6'"));
    Api.Response forced = api.post("/v1/plans");
    assertEquals(201, forced.status(), forced.body());
    Map<String, Object> e = entry(plans.map(forced.body()), ep);
    assertEquals(range("198.51.100.", 6, 10), published(e), "50% of 10: five may go");
    assertEquals(List.of("198.51.100.6"), held(e));

    // Three more reported concurrently: each is serialized and each sees the window's removals.
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Callable<Api.Response>> calls = new ArrayList<>();
      for (String a : range("198.51.100.", 7, 9)) {
        calls.add(
            () ->
                api.put(
                    "/v1/endpoints/" + ep + "/targets/" + a + "/health", "{\"healthy\":false}"));
      }
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        assertEquals(200, f.get().status(), f.get().body());
      }
    } finally {
      pool.shutdownNow();
    }
    e = latest(ep);
    assertEquals(range("198.51.100.", 6, 10), published(e));
    assertEquals(range("198.51.100.", 6, 9), held(e));
    assertEquals(5, removalsRecorded(ep));

    // An operator dropping a held target is configuration, not health: it goes at once, uncounted.
    List<String> without6 = new ArrayList<>(range("198.51.100.", 1, 10));
    without6.remove("198.51.100.6");
    assertEquals(
        200,
        api.put("/v1/endpoints", Bulk.body(Bulk.item(ep, 60, without6.toArray(String[]::new))))
            .status());
    e = latest(ep);
    assertEquals(range("198.51.100.", 7, 10), published(e));
    assertEquals(range("198.51.100.", 7, 9), held(e));
    assertEquals(5, removalsRecorded(ep));
  }

  @Test
  void eachAddressFamilyHasItsOwnLimit() {
    String ep = "family.velocity.aws.test.";
    create(
        ep,
        "192.0.2.41",
        "192.0.2.42",
        "192.0.2.43",
        "192.0.2.44",
        "2001:db8::41",
        "2001:db8::42",
        "2001:db8::43",
        "2001:db8::44");
    report(ep, "192.0.2.41", false);
    report(ep, "192.0.2.42", false);
    // IPv4 has used its two; IPv6 still has two of its own.
    report(ep, "2001:db8::41", false);
    report(ep, "2001:db8::42", false);
    assertEquals(
        List.of("192.0.2.43", "192.0.2.44", "2001:db8::43", "2001:db8::44"), published(latest(ep)));
    report(ep, "2001:db8::43", false);
    report(ep, "192.0.2.43", false);
    Map<String, Object> e = latest(ep);
    assertEquals(List.of("192.0.2.43", "192.0.2.44", "2001:db8::43", "2001:db8::44"), published(e));
    assertEquals(List.of("192.0.2.43", "2001:db8::43"), held(e));
  }
}
