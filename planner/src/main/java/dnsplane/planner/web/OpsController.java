package dnsplane.planner.web;

import dnsplane.db.plan.Plans;
import dnsplane.planner.store.Database;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpsController serves {@code /health}, Prometheus {@code /metrics} and the {@code /openapi.yml}.
 */
@Controller
final class OpsController {

  private final Database db;
  private final PlannerMetrics metrics;
  private final String openApi;

  OpsController(Database db, PlannerMetrics metrics) {
    this.db = db;
    this.metrics = metrics;
    try (InputStream in = OpsController.class.getResourceAsStream("/openapi.yml")) {
      this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 200 when the database answers, 503 naming the problem when not. */
  @Get("/health")
  HttpResponse<Map<String, Object>> health() {
    Map<String, Object> body = new LinkedHashMap<>();
    try {
      Long latest = db.read(c -> Plans.newestGeneration(c, 2)).orElse(null);
      body.put("status", "up");
      body.put("latestGeneration", latest);
      return HttpResponse.ok(body);
    } catch (RuntimeException e) {
      body.put("status", "down");
      body.put("error", e.getMessage());
      return HttpResponse.<Map<String, Object>>status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }
  }

  @Get("/metrics")
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  String metrics() {
    return metrics.render();
  }

  @Get("/openapi.yml")
  @Produces("application/yaml")
  String openApi() {
    return openApi;
  }
}
