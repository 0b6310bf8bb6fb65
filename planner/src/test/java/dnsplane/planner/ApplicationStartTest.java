package dnsplane.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.Sql;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.planner.web.Api;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real start path: command line → migrate → Micronaut on the requested address. */
@RequiresPostgres
class ApplicationStartTest {

  @Test
  void startsOnTheRequestedAddressWithTheEnvironmentsDatabase() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(db.env());
    env.put("DNSPLANE_API_TOKEN", "t0ken");
    try (ApplicationContext ctx =
        Application.start(new String[] {"--http", "127.0.0.1:" + port}, env)) {
      Api api =
          new Api(URI.create("http://127.0.0.1:" + port), ctx.getBean(JsonMapper.class), null);
      Api.Response health = api.get("/health");
      assertEquals(200, health.status(), health.body());
      assertTrue(health.body().contains("\"status\":\"up\""));
      assertEquals(
          401, api.post("/v1/plans").status(), "the token from the environment is enforced");
      assertEquals(201, api.withToken("t0ken").post("/v1/plans").status());
    }
    // Micronaut Data proxies the pool bean; stopping must still close the pool itself.
    Await.until(
        "the planner's connections to close",
        Duration.ofSeconds(20),
        () ->
            Sql.longValue(
                    db,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()")
                == 0);
  }

  @Test
  void refusesAnUnsafeListenAddressBeforeTouchingAnything() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Application.start(
                    new String[] {"--http", "0.0.0.0:8081"},
                    Map.of("DNSPLANE_DB_URL", "jdbc:postgresql://127.0.0.1:1/never")));
    assertTrue(e.getMessage().contains("refusing to listen on 0.0.0.0:8081"), e.getMessage());
  }
}
