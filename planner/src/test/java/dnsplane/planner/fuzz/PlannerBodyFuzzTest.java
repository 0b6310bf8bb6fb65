package dnsplane.planner.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The planner's JSON request bodies through the real application (Micronaut, HTTP, the controllers'
 * parsing and validation, a fresh PostgreSQL database with zone aws.test.).
 *
 * <p>Input: byte 0 picks the call: PUT /v1/endpoints/NAME for one of a few names (so that valid
 * bodies replace endpoints instead of piling them up), PUT /v1/endpoints (bulk), PUT of a target's
 * health, or PUT /v1/endpoints/NAME with NAME the body's first line. The rest is the body, UTF-8.
 *
 * <p>Properties: never a 5xx (a 500 is an exception the validation missed); every 4xx is {@code
 * {"error": "..."}} with a non-blank message; and a 4xx stores nothing: endpoints, targets, plans,
 * plan entries and velocity history are exactly as before.
 */
@RequiresPostgres
class PlannerBodyFuzzTest {
  static final String[] NAMES = {"fz1.aws.test", "fz2.aws.test.", "kept.aws.test", "FZ1.Aws.Test"};
  private static Planner planner;

  /** One planner for the whole run: starting Micronaut per input would be all the fuzzer did. */
  private record Planner(ApplicationContext ctx, TestDb db, Api api, JsonMapper json) {}

  private static synchronized Planner planner() {
    if (planner == null) {
      TestDb[] db = new TestDb[1];
      Map<String, Object> props =
          new java.util.HashMap<>(
              TestSupport.freshPlanner(db, Map.of("dnsplane.planner.check.interval", "1h")));
      ApplicationContext ctx =
          ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
      EmbeddedServer server = ctx.getBean(EmbeddedServer.class);
      JsonMapper json = ctx.getBean(JsonMapper.class);
      Api api = new Api(server.getURI(), json, null);
      Api.Response seed =
          api.put(
              "/v1/endpoints/kept.aws.test",
              "{\"targets\":[{\"address\":\"192.0.2.1\",\"az\":\"az-a\"},{\"address\":\"192.0.2.2\",\"az\":\"az-b\"}]}");
      if (seed.status() / 100 != 2) {
        throw new IllegalStateException("cannot create the seed endpoint: " + seed);
      }
      planner = new Planner(ctx, db[0], api, json);
    }
    return planner;
  }

  @FuzzTest(maxDuration = "10m")
  void endpointBody(byte[] data) {
    Loopback.allowOnly();
    if (data.length < 1) {
      return;
    }
    Planner p = planner();
    String body = new String(Arrays.copyOfRange(data, 1, data.length), StandardCharsets.UTF_8);
    String path;
    switch ((data[0] & 0xFF) % 4) {
      case 0 -> path = "/v1/endpoints/" + NAMES[((data[0] & 0xFF) / 4) % NAMES.length];
      case 1 -> path = "/v1/endpoints";
      case 2 ->
          path =
              "/v1/endpoints/kept.aws.test/targets/192.0.2."
                  + (1 + (data[0] & 0xFF) / 4 % 3)
                  + "/health";
      default -> {
        int nl = body.indexOf('\n');
        String name = nl < 0 ? body : body.substring(0, nl);
        body = nl < 0 ? "" : body.substring(nl + 1);
        path =
            "/v1/endpoints/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
      }
    }
    String what = "PUT " + path + " " + body;
    String before = TestSupport.snapshot(p.db());
    Api.Response r;
    try {
      r = p.api().put(path, body);
    } catch (IllegalArgumentException e) {
      return; // a path java.net.URI refuses never reaches the server
    }
    if (r.status() >= 500) {
      throw new AssertionError(what + ": " + r.status() + " " + r.body());
    }
    if (r.status() >= 400) {
      String error = error(p.json(), r.body());
      if (error == null || error.isBlank()) {
        throw new AssertionError(
            what + ": " + r.status() + " without an error message: " + r.body());
      }
      String after = TestSupport.snapshot(p.db());
      if (!before.equals(after)) {
        throw new AssertionError(
            what
                + ": rejected with "
                + r.status()
                + " ("
                + error
                + ") but the database changed:\n before "
                + before
                + "\n after  "
                + after);
      }
    }
  }

  private static String error(JsonMapper json, String body) {
    try {
      Object v = json.readValue(body, Map.class);
      return v instanceof Map<?, ?> m && m.get("error") instanceof String s ? s : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
