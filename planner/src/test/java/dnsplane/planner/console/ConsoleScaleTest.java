package dnsplane.planner.console;

import static dnsplane.planner.console.ConsoleApiTest.list;
import static dnsplane.planner.console.ConsoleApiTest.map;
import static dnsplane.planner.console.ConsoleApiTest.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console with 2,000 endpoints and max-probed 50: a page gets at most 50 of them plus the one
 * it selected, with the counts; the tick reads and probes only what pages were shown.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleScaleTest implements TestPropertyProvider {

  static final int ENDPOINTS = 2000;

  /** Never on any page this class shows, so never probed. */
  static final String UNSHOWN = "ep1500.aws.test.";

  private final TestDb[] db = new TestDb[1];
  private FakeDns authdns;

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  @Inject ConsoleService console;
  private Api api;

  @Override
  public Map<String, String> getProperties() {
    try {
      authdns = new FakeDns();
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.check.interval", "1h",
            "dnsplane.console.authdns", "127.0.0.1:" + authdns.port(),
            "dnsplane.console.probe-interval", "100ms",
            "dnsplane.console.max-probed", "50"));
  }

  @BeforeAll
  void endpoints() {
    // Straight into the tables: the console reads them, and 2,000 plans would only slow the test.
    TestSupport.update(
        db[0],
        "INSERT INTO endpoint (name, zone_id) SELECT 'ep' || lpad(i::text, 4, '0') ||"
            + " '.aws.test.', z.id FROM generate_series(1, "
            + ENDPOINTS
            + ") i, zone z WHERE z.name = 'aws.test.'");
    TestSupport.update(
        db[0],
        "INSERT INTO audit_log (actor, action, endpoint, new_generation) VALUES"
            + " ('az-a', 'write', 'ep0120.aws.test.', 6), ('az-a', 'write', 'ep0120.aws.test.',"
            + " 7), ('az-a', 'write', '"
            + UNSHOWN
            + "', 7)");
    api = new Api(server.getURI(), json, null);
  }

  @AfterAll
  void stop() throws Exception {
    authdns.close();
  }

  @Test
  void aPageGetsMaxProbedEndpointsByNameAndTheTotal() {
    Map<String, Object> s = state("");
    List<String> names = names(s);
    List<String> first = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      first.add(String.format("ep%04d.aws.test.", i));
    }
    assertEquals(first, names);
    assertEquals(ENDPOINTS, num(s.get("total")));
    assertEquals(ENDPOINTS, num(s.get("matched")));
    assertEquals(false, s.get("matchedMore"));
  }

  @Test
  void qFiltersCaseInsensitivelyAndCountsTheMatches() {
    Map<String, Object> s = state("?q=EP012");
    assertEquals(10, names(s).size(), names(s).toString());
    assertTrue(names(s).stream().allMatch(n -> n.startsWith("ep012")), names(s).toString());
    assertEquals(10, num(s.get("matched")));
    assertEquals(ENDPOINTS, num(s.get("total")));

    Map<String, Object> many = state("?q=ep01");
    assertEquals(50, names(many).size());
    assertEquals("ep0100.aws.test.", names(many).get(0));
    assertEquals(100, num(many.get("matched")), "ep0100..ep0199 match ep01");
    assertEquals(false, many.get("matchedMore"));

    Map<String, Object> none = state("?q=nothing-like-this");
    assertEquals(List.of(), names(none));
    assertEquals(0, num(none.get("matched")));
  }

  @Test
  void theSelectedEndpointIsAlwaysIncludedWhenItExists() {
    Map<String, Object> s = state("?q=ep012&selected=EP1999.aws.test");
    assertEquals(11, names(s).size(), names(s).toString());
    assertTrue(names(s).contains("ep1999.aws.test."), names(s).toString());
    assertEquals(10, num(s.get("matched")), "the selected one is shown, not counted as a match");

    Map<String, Object> gone = state("?q=ep012&selected=nosuch.aws.test.");
    assertEquals(10, names(gone).size(), names(gone).toString());
  }

  @Test
  void badParametersAreRefusedNamingTheProblem() {
    Api.Response bad = api.get("/ui/api/state?selected=bad%20name");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("selected"), bad.body());
    Api.Response tooLong = api.get("/ui/api/state?q=" + "a".repeat(300));
    assertEquals(400, tooLong.status(), tooLong.body());
    assertTrue(tooLong.body().contains("q must be at most 255"), tooLong.body());
  }

  @Test
  void theTickReadsAndProbesOnlyTheEndpointsPagesWereShown() {
    Map<String, Object> s = state("?q=ep012");
    Map<String, Object> ep = endpoint(s, "ep0120.aws.test.");
    // The newest apply, read by the scan bounded to the newly watched names.
    assertEquals(7L, num(map(ep.get("applied")).get("az-a")), ep.toString());
    Await.until(
        "the shown endpoints to be probed",
        () -> authdns.names.stream().anyMatch(n -> n.endsWith("ep0129.aws.test.")));
    int before = authdns.queries.get();
    Await.until("a few more ticks", () -> authdns.queries.get() >= before + 30);

    ConsoleService.TickStats t = console.lastTick();
    assertFalse(t.all(), t.toString());
    assertEquals(ENDPOINTS, t.total());
    // At most what this class's pages showed in the last minute: 50 + 50 + 10 + 1, never 2,000.
    assertTrue(t.watched() <= 111 && t.watched() >= 10, t.toString());
    assertEquals(t.watched(), t.probed(), t.toString());
    assertTrue(
        authdns.names.stream().noneMatch(n -> n.endsWith(UNSHOWN)),
        "an endpoint no page showed was probed");

    // A later apply reaches the watched endpoint through the per-tick read.
    TestSupport.update(
        db[0],
        "INSERT INTO audit_log (actor, action, endpoint, new_generation) VALUES"
            + " ('az-a', 'write', 'ep0120.aws.test.', 8)");
    Await.until(
        "the new apply to show",
        () ->
            num(map(endpoint(state("?q=ep012"), "ep0120.aws.test.").get("applied")).get("az-a"))
                == 8L);
  }

  private Map<String, Object> state(String query) {
    Api.Response r = api.get("/ui/api/state" + query);
    assertEquals(200, r.status(), r.body());
    return map(api.read(r, Map.class));
  }

  private static List<String> names(Map<String, Object> state) {
    return list(state.get("endpoints")).stream().map(e -> (String) map(e).get("name")).toList();
  }

  private static Map<String, Object> endpoint(Map<String, Object> state, String name) {
    return list(state.get("endpoints")).stream()
        .map(ConsoleApiTest::map)
        .filter(e -> name.equals(e.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + state));
  }
}
