package dnsplane.planner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.Transactions;
import dnsplane.planner.store.Database;
import io.micronaut.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** /health answers 503 naming the problem when PostgreSQL cannot be reached. */
class OpsControllerTest {

  @Test
  void healthIs503WhenTheDatabaseIsUnreachable() {
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    unreachable.setUrl("jdbc:postgresql://127.0.0.1:1/dnsplane?connectTimeout=2");
    unreachable.setUser("postgres");
    OpsController ops =
        new OpsController(new Database(Transactions.over(unreachable)), new PlannerMetrics());
    HttpResponse<Map<String, Object>> r = ops.health();
    assertEquals(503, r.getStatus().getCode());
    Map<String, Object> body = r.body();
    assertEquals("down", body.get("status"));
    assertEquals(
        true, String.valueOf(body.get("error")).contains("Connection"), String.valueOf(body));
  }
}
