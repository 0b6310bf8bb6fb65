package dnsplane.planner.console;

import static dnsplane.planner.console.ConsoleApiTest.list;
import static dnsplane.planner.console.ConsoleApiTest.map;
import static dnsplane.planner.console.ConsoleApiTest.num;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Endpoints added past max-probed while a page watches: the next poll shows the new ones and counts
 * them, rather than reusing the count taken when every endpoint was watched.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleGrowthTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.check.interval", "1h",
            "dnsplane.console.authdns", "off",
            "dnsplane.console.max-probed", "5"));
  }

  @Test
  void growingPastMaxProbedIsCountedAtOnce() {
    insert(1, 3);
    Api api = new Api(server.getURI(), json, null);
    Map<String, Object> small = map(api.read(api.get("/ui/api/state"), Map.class));
    assertEquals(3, list(small.get("endpoints")).size());
    assertEquals(3, num(small.get("total")));

    insert(4, 12);
    Map<String, Object> grown = map(api.read(api.get("/ui/api/state"), Map.class));
    assertEquals(5, list(grown.get("endpoints")).size(), grown.toString());
    assertEquals(12, num(grown.get("total")), grown.toString());
    assertEquals(12, num(grown.get("matched")), grown.toString());
  }

  private void insert(int from, int to) {
    TestSupport.update(
        db[0],
        "INSERT INTO endpoint (name, zone_id) SELECT 'g' || lpad(i::text, 2, '0') ||"
            + " '.aws.test.', z.id FROM generate_series("
            + from
            + ", "
            + to
            + ") i, zone z WHERE z.name = 'aws.test.'");
  }
}
