package dnsplane.planner.web;

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
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a 4xx with {"error": ...} naming the problem, and stores nothing.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    // No check rounds during the test: the snapshot must only change if a bad request stored
    // something.
    return TestSupport.freshPlanner(db, Map.of("dnsplane.planner.check.interval", "1h"));
  }

  private Api api() {
    return new Api(server.getURI(), json, null);
  }

  @BeforeAll
  void existing() {
    assertEquals(
        201,
        api()
            .put("/v1/endpoints/kept.aws.test", PlannerApiTest.body(60, "192.0.2.1", "192.0.2.2"))
            .status());
    assertEquals(
        201,
        api()
            .put(
                "/v1/endpoints/checked.aws.test",
                "{\"targets\":[{\"address\":\"192.0.2.3\",\"az\":\"az-a\",\"check\":{\"kind\":\"tcp\",\"address\":\"127.0.0.1:9\"}}]}")
            .status());
  }

  record Case(String name, String method, String path, String body, int status, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String T =
      "{\"targets\":[{\"address\":\"%s\",\"weight\":%d,\"az\":\"az-a\"}]}";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "name outside every zone",
            "PUT",
            "/v1/endpoints/www.example.",
            T.formatted("192.0.2.9", 1),
            422,
            "outside every served zone"),
        new Case(
            "invalid name",
            "PUT",
            "/v1/endpoints/bad_-.a..aws.test",
            T.formatted("192.0.2.9", 1),
            422,
            "invalid label"),
        new Case(
            "invalid address",
            "PUT",
            "/v1/endpoints/new.aws.test",
            T.formatted("192.0.2.300", 1),
            422,
            "invalid IPv4 address 192.0.2.300"),
        new Case(
            "host name as address",
            "PUT",
            "/v1/endpoints/new.aws.test",
            T.formatted("example.com", 1),
            422,
            "invalid address example.com"),
        new Case(
            "weight out of range",
            "PUT",
            "/v1/endpoints/new.aws.test",
            T.formatted("192.0.2.9", 1001),
            422,
            "weight 1001"),
        new Case(
            "no targets",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"targets\":[]}",
            422,
            "no targets"),
        new Case(
            "targets missing",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"ttl\":5}",
            422,
            "no targets"),
        new Case(
            "duplicate target",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"targets\":[{\"address\":\"2001:db8::1\",\"az\":\"az-a\"},{\"address\":\"2001:DB8:0::1\",\"az\":\"az-b\"}]}",
            422,
            "duplicate target 2001:db8::1"),
        new Case(
            "bad check",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"targets\":[{\"address\":\"192.0.2.9\",\"az\":\"az-a\",\"check\":{\"kind\":\"icmp\"}}]}",
            422,
            "icmp"),
        new Case(
            "replacing with bad input keeps the endpoint",
            "PUT",
            "/v1/endpoints/kept.aws.test",
            T.formatted("192.0.2.1", 2000),
            422,
            "weight 2000"),
        new Case(
            "malformed JSON",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"targets\":[",
            400,
            "malformed JSON"),
        new Case(
            "wrong JSON type",
            "PUT",
            "/v1/endpoints/new.aws.test",
            "{\"ttl\":\"soon\",\"targets\":[]}",
            400,
            "malformed JSON"),
        new Case(
            "missing body", "PUT", "/v1/endpoints/new.aws.test", null, 400, "body is required"),
        new Case(
            "health of unknown endpoint",
            "PUT",
            "/v1/endpoints/nope.aws.test/targets/192.0.2.1/health",
            "{\"healthy\":false}",
            404,
            "unknown endpoint nope.aws.test."),
        new Case(
            "health of unknown target",
            "PUT",
            "/v1/endpoints/kept.aws.test/targets/192.0.2.99/health",
            "{\"healthy\":false}",
            404,
            "has no target 192.0.2.99"),
        new Case(
            "health of invalid address",
            "PUT",
            "/v1/endpoints/kept.aws.test/targets/x/health",
            "{\"healthy\":false}",
            422,
            "invalid address x"),
        new Case(
            "health without healthy",
            "PUT",
            "/v1/endpoints/kept.aws.test/targets/192.0.2.1/health",
            "{\"up\":false}",
            400,
            "healthy"),
        new Case(
            "health of an actively checked target",
            "PUT",
            "/v1/endpoints/checked.aws.test/targets/192.0.2.3/health",
            "{\"healthy\":false}",
            409,
            "checked actively"),
        new Case(
            "delete unknown endpoint",
            "DELETE",
            "/v1/endpoints/nope.aws.test",
            null,
            404,
            "unknown endpoint"),
        new Case(
            "get unknown endpoint",
            "GET",
            "/v1/endpoints/nope.aws.test",
            null,
            404,
            "unknown endpoint"),
        new Case("unknown plan", "GET", "/v1/plans/999999", null, 404, "no plan 999999"),
        new Case(
            "plan generation not a number", "GET", "/v1/plans/abc", null, 400, "must be a number"),
        new Case(
            "diff with an unknown plan",
            "GET",
            "/v1/plans/1/diff/999999",
            null,
            404,
            "no plan 999999"),
        new Case("no such path", "GET", "/v1/nothing", null, 404, "no such path: GET /v1/nothing"),
        new Case(
            "method not allowed", "POST", "/v1/endpoints", null, 405, "Method [POST] not allowed"),
        new Case("limit out of range", "GET", "/v1/plans?limit=0", null, 400, "limit"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectedAndNothingStored(Case c) {
    String before = TestSupport.snapshot(db[0]);
    Api.Response r = api().send(c.method(), c.path(), c.body());
    assertEquals(c.status(), r.status(), r.body());
    Map<?, ?> body = readMap(r);
    assertNotNull(body.get("error"), r.body());
    assertTrue(body.get("error").toString().contains(c.error()), r.body());
    assertEquals(before, TestSupport.snapshot(db[0]), "tables unchanged");
  }

  private Map<?, ?> readMap(Api.Response r) {
    try {
      return json.readValue(r.body(), Map.class);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }
}
