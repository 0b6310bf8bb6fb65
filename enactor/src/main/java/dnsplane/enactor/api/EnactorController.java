package dnsplane.enactor.api;

import dnsplane.db.Names;
import dnsplane.db.audit.AuditLog;
import dnsplane.db.audit.AuditRepository;
import dnsplane.enactor.apply.ApplyReport;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.config.Durations;
import dnsplane.enactor.rules.Mode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/** EnactorController is the enactor's admin API under {@code /v1} (runtime contract). */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
final class EnactorController {

  private static final String MODE = "{\"mode\": \"safe\" | \"legacy\"}";
  private static final String DELAY = "{\"endpoint\": NAME, \"delay\": \"20s\"}";
  private static final String REPAIR = "{\"endpoint\": NAME}";

  private final EnactorRuntime runtime;
  private final Enactor enactor;
  private final AuditRepository audit;
  private final ObjectMapper json;

  EnactorController(EnactorRuntime runtime, AuditRepository audit, ObjectMapper json) {
    this.runtime = runtime;
    this.enactor = runtime.enactor();
    this.audit = audit;
    this.json = json;
  }

  /**
   * Bodies are read as text and parsed here. Which content types get this far is the {@link
   * dnsplane.db.micronaut.ControlChannelFilter}'s decision: {@code application/json}, or any with a
   * bearer token.
   */
  private <T> T parse(String body, Class<T> type, String shape) {
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("body is missing; expected " + shape);
    }
    try {
      return json.readValue(body, type);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("body is not " + shape + ": " + e.getMessage());
    }
  }

  @Get("/status")
  Views.Status status() {
    return Views.Status.of(enactor);
  }

  @Put("/mode")
  @Consumes(MediaType.ALL)
  Views.Status mode(@Nullable @Body String text) throws SQLException {
    Views.ModeRequest body = parse(text, Views.ModeRequest.class, MODE);
    if (body == null || body.mode() == null) {
      throw new IllegalArgumentException("body must be " + MODE);
    }
    enactor.setMode(Mode.parse(body.mode()));
    runtime.loop().wake();
    return status();
  }

  @Put("/faults/delay")
  @Consumes(MediaType.ALL)
  Views.Status delay(@Nullable @Body String text) {
    Views.DelayRequest body = parse(text, Views.DelayRequest.class, DELAY);
    if (body == null || body.endpoint() == null) {
      throw new IllegalArgumentException("body must be " + DELAY);
    }
    enactor.faults().setDelay(Names.canonical(body.endpoint()), Durations.parse(body.delay()));
    return status();
  }

  @Delete("/faults")
  Views.Status clearFaults() {
    enactor.faults().clear();
    return status();
  }

  @Post("/pause")
  Views.Status pause() throws SQLException {
    enactor.setPaused(true);
    return status();
  }

  @Post("/resume")
  Views.Status resume() throws SQLException {
    enactor.setPaused(false);
    runtime.loop().wake();
    return status();
  }

  @Post("/repair")
  @Consumes(MediaType.ALL)
  Views.Repaired repair(@Nullable @Body String text) throws Exception {
    Views.RepairRequest body = parse(text, Views.RepairRequest.class, REPAIR);
    if (body == null || body.endpoint() == null) {
      throw new IllegalArgumentException("body must be " + REPAIR);
    }
    String endpoint = Names.canonical(body.endpoint());
    ApplyReport r = enactor.repair(endpoint);
    return new Views.Repaired(
        endpoint,
        r.generation(),
        String.join(",", r.writes().actions()),
        r.writes().written() + r.writes().unpublished(),
        r.writes().guardRefused(),
        status());
  }

  @Get("/audit")
  List<Views.Audit> audit(
      @Nullable @QueryValue("limit") String limit, @Nullable @QueryValue("actor") String actor)
      throws SQLException {
    int n = 100;
    if (limit != null) {
      try {
        n = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit must be a number, got \"" + limit + "\"");
      }
    }
    AuditLog.checkQuery(actor, n);
    return Views.audits(audit.recent(actor, n));
  }

  @Error(exception = IllegalArgumentException.class)
  HttpResponse<Views.Problem> badRequest(HttpRequest<?> request, IllegalArgumentException e) {
    return HttpResponse.<Views.Problem>status(HttpStatus.BAD_REQUEST)
        .body(new Views.Problem(e.getMessage()));
  }

  @Error(exception = IllegalStateException.class)
  HttpResponse<Views.Problem> conflict(HttpRequest<?> request, IllegalStateException e) {
    return HttpResponse.<Views.Problem>status(HttpStatus.CONFLICT)
        .body(new Views.Problem(e.getMessage()));
  }
}
