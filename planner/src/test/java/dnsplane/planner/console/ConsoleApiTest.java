package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console against a real planner and database, a real UDP DNS responder standing in for authdns
 * and one for a resolver, and a loopback HTTP server standing in for an enactor. No token: actions
 * pass the control-channel filter from loopback as JSON, as the page sends them.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest implements TestPropertyProvider {

  static final String EP = "dynamodb.aws.test.";

  private final TestDb[] db = new TestDb[1];
  private FakeDns authdns;
  private FakeDns resolver;
  private FakeEnactor enactor;
  private int closedPort;

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  private Api api;

  @Override
  public Map<String, String> getProperties() {
    try {
      authdns = new FakeDns();
      resolver = new FakeDns();
      resolver.stale = true;
      enactor = new FakeEnactor("az-a");
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> props = new HashMap<>();
    props.put("dnsplane.planner.check.interval", "1h");
    props.put("dnsplane.console.authdns", "127.0.0.1:" + authdns.port());
    props.put("dnsplane.console.resolvers", "resolver=127.0.0.1:" + resolver.port());
    props.put(
        "dnsplane.console.enactors",
        "az-a=" + enactor.url() + ",az-down=http://127.0.0.1:" + closedPort);
    props.put("dnsplane.console.probe-interval", "200ms");
    return TestSupport.freshPlanner(db, props);
  }

  @BeforeAll
  void endpoint() {
    api = new Api(server.getURI(), json, null);
    Api.Response r = api.put("/v1/endpoints/" + EP, body("192.0.2.10", "192.0.2.11"));
    assertTrue(r.status() == 200 || r.status() == 201, r.body());
    TestSupport.update(
        db[0],
        "INSERT INTO enactor_status (az, mode, last_applied_generation, stuck, paused) VALUES"
            + " ('az-z', 'safe', 3, false, true)");
  }

  @BeforeEach
  void client() {
    api = new Api(server.getURI(), json, null);
    enactor.calls.clear();
  }

  @AfterAll
  void stop() throws Exception {
    authdns.close();
    resolver.close();
    enactor.close();
  }

  @Test
  void thePageAndItsAssetsAreServedWithTheirTypesAndAStrictPolicy() throws IOException {
    for (String[] c :
        new String[][] {
          {"/ui", "text/html"},
          {"/ui/", "text/html"},
          {"/ui/console.js", "text/javascript"},
          {"/ui/console.css", "text/css"}
        }) {
      HttpURLConnection h =
          (HttpURLConnection) server.getURI().resolve(c[0]).toURL().openConnection();
      assertEquals(200, h.getResponseCode(), () -> c[0] + ": " + new String(errorBody(h)));
      assertTrue(h.getContentType().startsWith(c[1]), c[0] + ": " + h.getContentType());
      String csp = h.getHeaderField("Content-Security-Policy");
      assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), csp);
      assertFalse(csp.contains("unsafe-inline"), csp);
      assertEquals("nosniff", h.getHeaderField("X-Content-Type-Options"));
      String text = new String(h.getInputStream().readAllBytes());
      if (c[1].equals("text/html")) {
        assertTrue(text.contains("id=\"connection\"") && text.contains("/ui/console.js"), text);
        assertFalse(text.contains("<script>"), "no inline script");
      }
    }
    assertEquals(404, api.get("/ui/nothing.js").status());
  }

  @Test
  void stateShowsThePlanWhatEnactorsAppliedAndWhatServersAnswer() throws Exception {
    long gen = Long.parseLong(TestSupport.query(db[0], "SELECT max(generation) FROM plan"));
    authdns.generation = gen;
    TestSupport.update(
        db[0],
        "INSERT INTO audit_log (actor, action, generation, endpoint, previous_generation,"
            + " new_generation) VALUES ('az-b', 'write', "
            + gen
            + ", '"
            + EP
            + "', NULL, "
            + gen
            + ")");
    Map<String, Object>[] ep = endpointState();
    Await.until(
        "authdns's and the resolver's answers and az-b's write in the state",
        () -> {
          ep[0] = endpoint(state(), EP);
          Map<String, Object> answers = map(ep[0].get("answers"));
          return answers.containsKey("authdns")
              && num(map(answers.get("authdns")).get("count")) == 2
              && num(map(answers.get("authdns")).get("planGeneration")) == gen
              && answers.containsKey("resolver")
              && map(ep[0].get("applied")).containsKey("az-b");
        });
    Map<String, Object> auth = map(map(ep[0].get("answers")).get("authdns"));
    assertEquals("NOERROR", auth.get("status"));
    assertEquals(List.of("192.0.2.10", "192.0.2.11"), auth.get("addresses"));
    assertEquals(false, auth.get("stale"));
    Map<String, Object> res = map(map(ep[0].get("answers")).get("resolver"));
    assertEquals(true, res.get("stale"));
    assertEquals(List.of(3), res.get("ede"));
    assertEquals(gen, num(map(ep[0].get("plan")).get("generation")));
    assertEquals(gen, num(map(ep[0].get("applied")).get("az-b")));

    Map<String, Object> state = state();
    List<Object> names =
        list(state.get("endpoints")).stream().map(e -> map(e).get("name")).toList();
    List<Object> listed =
        list(api.read(api.get("/v1/endpoints"), Object.class)).stream()
            .map(e -> map(e).get("name"))
            .toList();
    assertEquals(listed, names);
    assertEquals(
        List.of("authdns", "resolver"),
        list(state.get("servers")).stream().map(s -> map(s).get("name")).toList());

    Map<String, Map<String, Object>> enactors = new HashMap<>();
    list(state.get("enactors")).forEach(e -> enactors.put((String) map(e).get("az"), map(e)));
    assertEquals(true, enactors.get("az-a").get("reachable"));
    assertEquals("legacy", enactors.get("az-a").get("mode"));
    assertEquals(true, enactors.get("az-a").get("stuck"));
    assertEquals("plan 5 was deleted", enactors.get("az-a").get("stuckReason"));
    assertEquals(1, list(enactors.get("az-a").get("faults")).size());
    assertEquals(false, enactors.get("az-down").get("reachable"));
    assertTrue(String.valueOf(enactors.get("az-down").get("error")).contains("unreachable"));
    assertNull(enactors.get("az-z").get("url"));
    assertEquals(true, enactors.get("az-z").get("paused"));
    assertEquals(3L, num(enactors.get("az-z").get("lastAppliedGeneration")));
  }

  @Test
  void theTimelineRecordsAnEmptyAnswerAndTheAuditEvents() {
    TestSupport.update(
        db[0],
        "INSERT INTO audit_log (actor, action, generation, endpoint, previous_generation,"
            + " new_generation, detail) VALUES ('az-a', 'stale_skip', 1, '"
            + EP
            + "', 2, 1, 'test')");
    authdns.empty = true;
    try {
      Map<String, Object>[] t = endpointState();
      Await.until(
          "an empty authdns sample on the timeline",
          () -> {
            t[0] = api.read(api.get("/ui/api/timeline?endpoint=" + EP + "&minutes=2"), Map.class);
            return list(t[0].get("samples")).stream()
                .map(s -> map(map(map(s).get("answers")).get("authdns")))
                .anyMatch(a -> "NOERROR".equals(a.get("status")) && num(a.get("count")) == 0);
          });
      assertEquals(EP, t[0].get("endpoint"));
      assertTrue(
          list(t[0].get("events")).stream()
              .anyMatch(
                  e ->
                      "stale_skip".equals(map(e).get("action"))
                          && "az-a".equals(map(e).get("actor"))),
          String.valueOf(t[0].get("events")));
    } finally {
      authdns.empty = false;
    }
    Api.Response unknown = api.get("/ui/api/timeline?endpoint=nothing.aws.test.");
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().contains("nothing.aws.test."), unknown.body());
    for (String bad : new String[] {"abc", "0", "100000"}) {
      Api.Response r = api.get("/ui/api/timeline?endpoint=" + EP + "&minutes=" + bad);
      assertEquals(400, r.status(), bad + ": " + r.body());
      assertTrue(r.body().contains("minutes"), r.body());
    }
    assertEquals(400, api.get("/ui/api/timeline").status());
  }

  @Test
  void actionsAreForwardedToTheEnactorAsItsAdminApiTakesThem() {
    Api.Response mode = page("/ui/api/enactors/az-a/mode", "{\"mode\":\"safe\"}");
    assertEquals(200, mode.status(), mode.body());
    assertTrue(mode.body().contains("\"az\":\"az-a\""), mode.body());
    Api.Response delay =
        page(
            "/ui/api/enactors/az-a/delay",
            "{\"endpoint\":\"DynamoDB.aws.test\",\"delay\":\"20s\"}");
    assertEquals(200, delay.status(), delay.body());
    assertEquals(200, page("/ui/api/enactors/az-a/clear-faults", "{}").status());
    assertEquals(200, page("/ui/api/enactors/az-a/pause", "{}").status());
    assertEquals(200, page("/ui/api/enactors/az-a/resume", "{}").status());
    assertEquals(
        200, page("/ui/api/enactors/az-a/repair", "{\"endpoint\":\"" + EP + "\"}").status());

    List<FakeEnactor.Call> calls = enactor.calls;
    assertEquals(
        List.of(
            "PUT /v1/mode",
            "PUT /v1/faults/delay",
            "DELETE /v1/faults",
            "POST /v1/pause",
            "POST /v1/resume",
            "POST /v1/repair"),
        calls.stream().map(c -> c.method() + " " + c.path()).toList());
    assertEquals(Map.of("mode", "safe"), readMap(calls.get(0).body()));
    assertEquals(Map.of("endpoint", EP, "delay", "PT20S"), readMap(calls.get(1).body()));
    assertEquals(Map.of("endpoint", EP), readMap(calls.get(5).body()));
    assertTrue(calls.stream().allMatch(c -> c.authorization() == null), "no token configured");
    assertTrue(calls.stream().allMatch(c -> "application/json".equals(c.contentType())));
  }

  @Test
  void refusalsNameTheProblemAndForwardNothing() {
    Api.Response unknown = page("/ui/api/enactors/az-q/pause", "{}");
    assertEquals(404, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("az-q"), unknown.body());
    Api.Response badMode = page("/ui/api/enactors/az-a/mode", "{\"mode\":\"fast\"}");
    assertEquals(400, badMode.status(), badMode.body());
    assertTrue(badMode.body().contains("mode"), badMode.body());
    Api.Response notJson = page("/ui/api/enactors/az-a/delay", "{nope");
    assertEquals(400, notJson.status(), notJson.body());
    Api.Response unknownAction = page("/ui/api/enactors/az-a/explode", "{}");
    assertEquals(400, unknownAction.status(), unknownAction.body());
    assertTrue(enactor.calls.isEmpty(), "nothing forwarded: " + enactor.calls);

    Api.Response refused =
        page("/ui/api/enactors/az-a/repair", "{\"endpoint\":\"missing.aws.test\"}");
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("is not in the newest plan"), refused.body());

    Api.Response down = page("/ui/api/enactors/az-down/pause", "{}");
    assertEquals(502, down.status(), down.body());
    assertTrue(down.body().contains("az-down") && down.body().contains("unreachable"), down.body());
  }

  @Test
  void theFilterStillRefusesWhatABrowserCouldSendCrossSite() {
    Api.Response foreign =
        api.raw(
            "POST",
            "/ui/api/enactors/az-a/pause",
            "{}",
            Map.of("Content-Type", "application/json", "Origin", "http://evil.example"));
    assertEquals(403, foreign.status(), foreign.body());
    Api.Response text =
        api.raw("POST", "/ui/api/enactors/az-a/pause", "{}", Map.of("Content-Type", "text/plain"));
    assertEquals(415, text.status(), text.body());
    assertTrue(enactor.calls.isEmpty(), "nothing forwarded: " + enactor.calls);
  }

  /** A POST as the page sends it: same origin, JSON. */
  private Api.Response page(String path, String body) {
    URI base = server.getURI();
    return api.raw(
        "POST",
        path,
        body,
        Map.of(
            "Content-Type",
            "application/json",
            "Origin",
            "http://" + base.getHost() + ":" + base.getPort()));
  }

  private static byte[] errorBody(HttpURLConnection h) {
    try {
      return h.getErrorStream() == null ? new byte[0] : h.getErrorStream().readAllBytes();
    } catch (IOException e) {
      return e.toString().getBytes();
    }
  }

  static String body(String... addresses) {
    StringBuilder b = new StringBuilder("{\"ttl\":60,\"targets\":[");
    for (int i = 0; i < addresses.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"address\":\"")
          .append(addresses[i])
          .append("\",\"weight\":10,\"az\":\"az-a\",\"check\":null}");
    }
    return b.append("]}").toString();
  }

  private Map<String, Object> state() {
    Api.Response r = api.get("/ui/api/state");
    assertEquals(200, r.status(), r.body());
    return map(api.read(r, Map.class));
  }

  private Map<String, Object> readMap(String text) {
    try {
      return map(json.readValue(text, Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> endpoint(Map<String, Object> state, String name) {
    return list(state.get("endpoints")).stream()
        .map(ConsoleApiTest::map)
        .filter(e -> name.equals(e.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + state));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] endpointState() {
    return new Map[1];
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  static long num(Object o) {
    return o == null ? Long.MIN_VALUE : ((Number) o).longValue();
  }
}
