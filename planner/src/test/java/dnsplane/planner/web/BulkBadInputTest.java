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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bulk PUT with one bad element is rejected whole: a 4xx whose error names the element (index and
 * name) and the problem, and the tables stay exactly as they were.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkBadInputTest implements TestPropertyProvider {

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

  @BeforeAll
  void existing() {
    assertEquals(
        201,
        api().put("/v1/endpoints/kept.aws.test", PlannerApiTest.body(60, "192.0.2.1")).status());
  }

  record Case(String name, String body, int status, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  // The first element is good and replaces an existing endpoint: a rejection must undo it too.
  private static final String GOOD = Bulk.item("kept.aws.test", 300, "192.0.2.7");
  private static final String T =
      "{\"name\":\"%s\",\"targets\":[{\"address\":\"%s\",\"weight\":%d,\"az\":\"az-a\"}]}";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "bad address",
            Bulk.body(GOOD, T.formatted("b.aws.test", "192.0.2.300", 1)),
            422,
            "endpoints[1] (b.aws.test): invalid IPv4 address 192.0.2.300"),
        new Case(
            "weight out of range",
            Bulk.body(
                GOOD,
                Bulk.item("a.aws.test", 60, "192.0.2.8"),
                T.formatted("w.aws.test", "192.0.2.9", 1001)),
            422,
            "endpoints[2] (w.aws.test): weight 1001"),
        new Case(
            "name outside every zone",
            Bulk.body(GOOD, T.formatted("www.example.", "192.0.2.9", 1)),
            422,
            "endpoints[1] (www.example.): name www.example. is outside every served zone"),
        new Case(
            "no targets",
            Bulk.body(GOOD, "{\"name\":\"empty.aws.test\",\"targets\":[]}"),
            422,
            "endpoints[1] (empty.aws.test): endpoint empty.aws.test. has no targets"),
        new Case(
            "missing name",
            Bulk.body(GOOD, "{\"targets\":[{\"address\":\"192.0.2.9\",\"az\":\"az-a\"}]}"),
            422,
            "endpoints[1] (null): name is empty"),
        new Case(
            "duplicate name",
            Bulk.body(GOOD, Bulk.item("Kept.AWS.test.", 60, "192.0.2.9")),
            400,
            "endpoints[1] (Kept.AWS.test.): duplicate name kept.aws.test., already endpoints[0]"),
        new Case("null element", Bulk.body(GOOD, "null"), 400, "endpoints[1] is null"),
        new Case("empty list", Bulk.body(), 400, "endpoints is empty"),
        new Case(
            "no endpoints field", "{\"name\":\"x.aws.test\"}", 400, "body must be {\"endpoints\""),
        new Case("malformed JSON", "{\"endpoints\":[", 400, "malformed JSON"),
        new Case("missing body", null, 400, "body is required"),
        new Case(
            "too many endpoints", tooMany(), 413, "10001 endpoints in one request; at most 10000"));
  }

  private static String tooMany() {
    String[] items = new String[10_001];
    for (int i = 0; i < items.length; i++) {
      items[i] =
          "{\"name\":\"n"
              + i
              + ".aws.test\",\"targets\":[{\"address\":\"192.0.2.1\",\"az\":\"a\"}]}";
    }
    return Bulk.body(items);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectedAndNothingStored(Case c) {
    String before = TestSupport.snapshot(db[0]);
    Api.Response r = api().send("PUT", "/v1/endpoints", c.body());
    assertEquals(c.status(), r.status(), r.body());
    Map<?, ?> body = readMap(r);
    assertNotNull(body.get("error"), r.body());
    assertTrue(body.get("error").toString().contains(c.error()), r.body());
    assertEquals(before, TestSupport.snapshot(db[0]), "tables unchanged");
  }

  @Test
  void bodyLargerThanTheServerTakesIs413() {
    String before = TestSupport.snapshot(db[0]);
    // Past micronaut.server.max-request-size (16MB): refused before it is parsed.
    String body = "{\"endpoints\":[],\"pad\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}";
    Api.Response r = api().send("PUT", "/v1/endpoints", body);
    assertEquals(413, r.status(), r.body());
    assertTrue(r.body().contains("\"error\""), r.body());
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
