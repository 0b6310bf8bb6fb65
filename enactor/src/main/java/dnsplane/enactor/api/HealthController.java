package dnsplane.enactor.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;

/**
 * HealthController serves {@code /health} (database reachable?) and Prometheus {@code /metrics}.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {

  private final EnactorRuntime runtime;

  HealthController(EnactorRuntime runtime) {
    this.runtime = runtime;
  }

  @Get("/health")
  HttpResponse<Views.Health> health() {
    String az = runtime.enactor().az();
    try {
      if (runtime.enactor().transactions().read(c -> c.isValid(2))) {
        return HttpResponse.ok(new Views.Health("ok", az, null));
      }
      return HttpResponse.<Views.Health>status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(new Views.Health("unavailable", az, "database connection is not valid"));
    } catch (SQLException e) {
      return HttpResponse.<Views.Health>status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(new Views.Health("unavailable", az, "database: " + e.getMessage()));
    }
  }

  @Get("/metrics")
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  String metrics() {
    return runtime.enactor().metrics().render(runtime.enactor().az());
  }
}
