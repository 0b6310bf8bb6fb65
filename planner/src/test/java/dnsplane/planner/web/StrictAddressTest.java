package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API path that takes an address parses it strictly: a malformed one gets a 422 naming it and
 * nothing is stored. Paths: single PUT, bulk PUT, health PUT by address, and the addresses of tcp
 * and http checks.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictAddressTest implements TestPropertyProvider {

  private static final List<String> MALFORMED =
      List.of("192.0.2.300", "1.2.3", "2001:db8::zz", "192.0.2.010", " ", "fe80::1%eth0");

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
        api().put("/v1/endpoints/strict.aws.test", PlannerApiTest.body(60, "192.0.2.1")).status());
  }

  record Case(
      String path, String address, String method, String uri, String body, String expected) {
    @Override
    public String toString() {
      return path + " '" + address + "'";
    }
  }

  private static String target(String address, String check) {
    return "{\"targets\":[{\"address\":\""
        + address
        + "\",\"az\":\"az-a\",\"check\":"
        + check
        + "}]}";
  }

  /** The host part of a check: IPv6 literals are bracketed in host:port and URLs. */
  private static String host(String address) {
    return address.contains(":") ? "[" + address + "]" : address;
  }

  static Stream<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (String a : MALFORMED) {
      String named = a.isBlank() ? "address is empty" : a;
      out.add(
          new Case(
              "single PUT",
              a,
              "PUT",
              "/v1/endpoints/new.strict.aws.test",
              target(a, "null"),
              named));
      out.add(
          new Case(
              "bulk PUT",
              a,
              "PUT",
              "/v1/endpoints",
              Bulk.body(
                  Bulk.item("ok.strict.aws.test", 60, "192.0.2.2"),
                  "{\"name\":\"bad.strict.aws.test\"," + target(a, "null").substring(1)),
              "endpoints[1] (bad.strict.aws.test): " + (a.isBlank() ? "address is empty" : "")));
      out.add(
          new Case(
              "health PUT",
              a,
              "PUT",
              "/v1/endpoints/strict.aws.test/targets/"
                  + a.replace("%", "%25").replace(" ", "%20")
                  + "/health",
              "{\"healthy\":false}",
              named));
      out.add(
          new Case(
              "tcp check",
              a,
              "PUT",
              "/v1/endpoints/new.strict.aws.test",
              target("192.0.2.9", "{\"kind\":\"tcp\",\"address\":\"" + host(a) + ":9\"}"),
              "tcp check of 192.0.2.9"));
      out.add(
          new Case(
              "http check",
              a,
              "PUT",
              "/v1/endpoints/new.strict.aws.test",
              target("192.0.2.9", "{\"kind\":\"http\",\"url\":\"http://" + host(a) + "/health\"}"),
              "http check of 192.0.2.9"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void malformedAddressIsRejectedAndNothingStored(Case c) {
    String before = TestSupport.snapshot(db[0]);
    Api.Response r = api().send(c.method(), c.uri(), c.body());
    assertEquals(422, r.status(), r.body());
    Map<?, ?> body = readMap(r);
    String error = String.valueOf(body.get("error"));
    assertTrue(
        error.contains(c.expected()), "error should contain '" + c.expected() + "': " + r.body());
    if (!c.address().isBlank()) {
      assertTrue(error.contains(c.address()), "error should name " + c.address() + ": " + r.body());
    }
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
