package dnsplane.planner.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.plan.PlanView;
import dnsplane.planner.plan.PlannedAddress;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Active checks against loopback listeners this test starts and stops; the plan follows them. The
 * targets' served addresses are documentation addresses that are never contacted.
 */
@RequiresPostgres
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActiveHealthCheckTest implements TestPropertyProvider {

  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private final TestDb[] db = new TestDb[1];

  @Inject EmbeddedServer server;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(
        db,
        Map.of(
            "dnsplane.planner.check.interval", "100ms",
            "dnsplane.planner.check.timeout", "500ms",
            "dnsplane.planner.check.rise", "2",
            "dnsplane.planner.check.fall", "2"));
  }

  private Api api() {
    return new Api(server.getURI(), json, null);
  }

  private List<String> published(String endpoint) {
    PlanView p = api().read(api().get("/v1/plans/latest"), PlanView.class);
    return p.entries().stream()
        .filter(e -> e.endpoint().equals(endpoint))
        .findFirst()
        .map(e -> e.addresses().stream().map(PlannedAddress::address).toList())
        .orElse(List.of());
  }

  private static String target(String address, String check) {
    return "{\"address\":\"" + address + "\",\"az\":\"az-a\",\"check\":" + check + "}";
  }

  @Test
  void tcpListenerClosedRemovesTheTarget() throws Exception {
    ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    try (a;
        b) {
      String body =
          "{\"targets\":["
              + target(
                  "192.0.2.61",
                  "{\"kind\":\"tcp\",\"address\":\"127.0.0.1:" + a.getLocalPort() + "\"}")
              + ","
              + target(
                  "192.0.2.62",
                  "{\"kind\":\"tcp\",\"address\":\"127.0.0.1:" + b.getLocalPort() + "\"}")
              + "]}";
      assertEquals(201, api().put("/v1/endpoints/tcp.aws.test", body).status());
      assertEquals(List.of("192.0.2.61", "192.0.2.62"), published("tcp.aws.test."));
      a.close();
      Await.until(
          "192.0.2.61 to leave the plan",
          DEADLINE,
          () -> published("tcp.aws.test.").equals(List.of("192.0.2.62")));
      assertTrue(
          api()
              .read(api().get("/v1/plans/latest"), PlanView.class)
              .reason()
              .startsWith("health check"));
      assertEquals(
          "false",
          TestSupport.query(
              db[0], "SELECT healthy::text FROM target WHERE address = '192.0.2.61'"));
      b.close();
      Await.until(
          "the endpoint to fail open",
          DEADLINE,
          () -> {
            PlanView p = api().read(api().get("/v1/plans/latest"), PlanView.class);
            return p.entries().stream()
                .anyMatch(
                    e ->
                        e.endpoint().equals("tcp.aws.test.")
                            && e.failOpen()
                            && e.addresses().size() == 2);
          });
    }
    assertTrue(
        api()
            .get("/metrics")
            .body()
            .contains("dnsplane_planner_health_checks_total{kind=\"tcp\",result=\"failure\"}"));
  }

  @Test
  void httpCheckFollowsTheStatusCode() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/health",
        x -> {
          x.sendResponseHeaders(status.get(), -1);
          x.close();
        });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/health";
      String body =
          "{\"targets\":["
              + target("2001:db8::71", "{\"kind\":\"http\",\"url\":\"" + url + "\"}")
              + ","
              + target("2001:db8::72", "null")
              + "]}";
      assertEquals(201, api().put("/v1/endpoints/http.aws.test", body).status());
      assertEquals(List.of("2001:db8::71", "2001:db8::72"), published("http.aws.test."));
      status.set(503);
      Await.until(
          "2001:db8::71 to leave the plan",
          DEADLINE,
          () -> published("http.aws.test.").equals(List.of("2001:db8::72")));
      status.set(204);
      Await.until(
          "2001:db8::71 to come back",
          DEADLINE,
          () -> published("http.aws.test.").equals(List.of("2001:db8::71", "2001:db8::72")));
    } finally {
      http.stop(0);
    }
  }
}
