package dnsplane.planner.console;

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
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A rough measurement, not a test: the console's tick and one page poll with many endpoints. Not in
 * the default suite (its name is not a test's); run it with {@code mvn -B -o verify -pl db,planner
 * -DskipITs -Dtest=ConsoleScaleMeasure -Dsurefire.failIfNoSpecifiedTests=false
 * -Ddnsplane.console.measure=100000} and read its output in
 * planner/target/surefire-reports/dnsplane.planner.console.ConsoleScaleMeasure-output.txt. It only
 * uses what the console had before issue 14's follow-up (the private tickNow, GET /ui/api/state),
 * so the same file measures the old code too.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleScaleMeasure implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  @Inject ConsoleService console;

  @Override
  public Map<String, String> getProperties() {
    // No DNS server: the measurement is the database reads and the planner's own work per tick.
    // A long interval keeps the scheduled tick out of the timed ones.
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.check.interval", "1h",
            "dnsplane.console.authdns", "off",
            "dnsplane.console.probe-interval", "10m",
            "dnsplane.console.history", "10m"));
  }

  @Test
  void measure() throws Exception {
    int n = Integer.getInteger("dnsplane.console.measure", 2000);
    long t = System.nanoTime();
    TestSupport.update(
        db[0],
        "INSERT INTO endpoint (name, zone_id) SELECT 'ep' || lpad(i::text, 6, '0') ||"
            + " '.aws.test.', z.id FROM generate_series(1, "
            + n
            + ") i, zone z WHERE z.name = 'aws.test.'");
    TestSupport.update(
        db[0],
        "INSERT INTO target (endpoint, address, az) SELECT name, a::inet, 'az-a' FROM endpoint,"
            + " (VALUES ('192.0.2.10'), ('198.51.100.10')) v(a)");
    TestSupport.update(
        db[0],
        // An hour old: the applies of a quiet hour ago, not a burst the per-tick read must cover.
        "INSERT INTO audit_log (at, actor, action, endpoint, new_generation) SELECT now() -"
            + " interval '1 hour', az, 'write', name, 1 FROM endpoint, (VALUES ('az-a'), ('az-b'),"
            + " ('az-c')) v(az)");
    TestSupport.update(db[0], "ANALYZE");
    System.out.printf(
        "seeded %d endpoints, %d targets, %d audit rows in %d ms%n",
        n, 2 * n, 3 * n, (System.nanoTime() - t) / 1_000_000);

    Api api = new Api(server.getURI(), json, null);
    t = System.nanoTime();
    Api.Response first = api.get("/ui/api/state");
    assertEquals(200, first.status(), first.body());
    System.out.printf(
        "first GET /ui/api/state (starts watching, first audit scan): %d ms, %d bytes%n",
        (System.nanoTime() - t) / 1_000_000, first.body().length());

    Method tick = ConsoleService.class.getDeclaredMethod("tickNow");
    tick.setAccessible(true);
    long[] ms = new long[10];
    for (int i = 0; i < ms.length; i++) {
      t = System.nanoTime();
      tick.invoke(console);
      ms[i] = (System.nanoTime() - t) / 1_000_000;
    }
    Arrays.sort(ms);
    System.out.printf(
        "tick at %d endpoints: min %d ms, median %d ms, max %d ms (10 ticks)%n",
        n, ms[0], ms[ms.length / 2], ms[ms.length - 1]);

    t = System.nanoTime();
    Api.Response poll = api.get("/ui/api/state");
    assertEquals(200, poll.status(), poll.body());
    System.out.printf(
        "a later GET /ui/api/state: %d ms, %d bytes%n",
        (System.nanoTime() - t) / 1_000_000, poll.body().length());
    t = System.nanoTime();
    Api.Response filtered = api.get("/ui/api/state?q=ep0999");
    System.out.printf(
        "GET /ui/api/state?q=ep0999 (a new list: its first tick included): %d ms, %d bytes%n",
        (System.nanoTime() - t) / 1_000_000, filtered.body().length());
    t = System.nanoTime();
    filtered = api.get("/ui/api/state?q=ep0999");
    System.out.printf(
        "again: %d ms, %d bytes%n", (System.nanoTime() - t) / 1_000_000, filtered.body().length());
  }
}
