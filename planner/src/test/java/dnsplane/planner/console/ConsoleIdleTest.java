package dnsplane.planner.console;

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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A planner nobody watches sends no DNS query: the console starts (and then probes continuously)
 * only on the first /ui/api call; serving the page itself or the planner API does not start it.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIdleTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];
  private FakeDns authdns;

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  @Inject ConsoleService console;

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
            "dnsplane.console.probe-interval", "100ms"));
  }

  @AfterAll
  void stop() throws Exception {
    authdns.close();
  }

  @Test
  void probingStartsWithTheFirstConsoleRequestAndNotBefore() {
    Api api = new Api(server.getURI(), json, null);
    Api.Response put = api.put("/v1/endpoints/idle.aws.test.", ConsoleApiTest.body("192.0.2.20"));
    assertEquals(201, put.status(), put.body());
    assertEquals(200, api.get("/ui/").status());
    assertEquals(200, api.get("/ui/console.js").status());
    assertEquals(200, api.get("/v1/endpoints").status());
    // No thread exists that could send a query, so none can have been sent.
    assertFalse(console.started());
    assertEquals(0, authdns.queries.get());

    assertEquals(200, api.get("/ui/api/state").status());
    assertTrue(console.started());
    int first = authdns.queries.get();
    assertTrue(first >= 3, "the first state call probes A, AAAA and TXT: " + first);
    Await.until(
        "the console to keep probing while watched", () -> authdns.queries.get() >= first + 6);
  }
}
