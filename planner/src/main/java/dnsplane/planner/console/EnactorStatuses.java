package dnsplane.planner.console;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * EnactorStatuses is the enactors' part of a tick: each configured enactor is asked for its status
 * in parallel, and one that does not answer in time is shown from its enactor_status row instead,
 * as is an enactor the table knows but the console is not configured with.
 */
final class EnactorStatuses {

  private final ConsoleSettings settings;
  private final EnactorClient enactors;
  private final JsonMapper json;

  EnactorStatuses(ConsoleSettings settings, EnactorClient enactors, JsonMapper json) {
    this.settings = settings;
    this.enactors = enactors;
    this.json = json;
  }

  /** Asks each configured enactor for its status on {@code pool}: the calls by AZ. */
  Map<String, Future<ConsoleViews.Enactor>> ask(ExecutorService pool) {
    Map<String, Future<ConsoleViews.Enactor>> calls = new LinkedHashMap<>();
    for (Map.Entry<String, URI> e : settings.enactors().entrySet()) {
      calls.put(e.getKey(), pool.submit(() -> enactorStatus(e.getKey(), e.getValue())));
    }
    return calls;
  }

  /** The enactors a page is shown: the answers to {@code calls}, else the status {@code rows}. */
  List<ConsoleViews.Enactor> views(
      Map<String, Future<ConsoleViews.Enactor>> calls, List<ConsoleStore.StatusRow> rows) {
    Map<String, ConsoleStore.StatusRow> byAz = new HashMap<>();
    rows.forEach(r -> byAz.put(r.az(), r));
    List<ConsoleViews.Enactor> out = new ArrayList<>();
    for (Map.Entry<String, Future<ConsoleViews.Enactor>> c : calls.entrySet()) {
      String az = c.getKey();
      String url = settings.enactors().get(az).toString();
      ConsoleViews.Enactor live;
      String error;
      try {
        live = c.getValue().get(ConsoleService.CALL_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
        error = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        live = null;
        error = "interrupted";
      } catch (Exception e) {
        c.getValue().cancel(true);
        live = null;
        Throwable cause = e.getCause() == null ? e : e.getCause();
        error =
            "unreachable: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
      }
      out.add(live != null ? live : fromRow(az, url, byAz.get(az), error));
    }
    for (ConsoleStore.StatusRow r : rows) {
      if (!calls.containsKey(r.az())) {
        out.add(
            fromRow(
                r.az(),
                null,
                r,
                "not configured in DNSPLANE_CONSOLE_ENACTORS: from its status row"));
      }
    }
    return out;
  }

  private static ConsoleViews.Enactor fromRow(
      String az, String url, ConsoleStore.StatusRow r, String error) {
    if (r == null) {
      return new ConsoleViews.Enactor(
          az, url, false, null, false, false, null, null, List.of(), null, error);
    }
    return new ConsoleViews.Enactor(
        az,
        url,
        false,
        r.mode(),
        r.paused(),
        r.stuck(),
        r.stuckReason(),
        r.lastApplied(),
        List.of(),
        null,
        error);
  }

  /** The enactor's own status, or an exception when it cannot be had. */
  private ConsoleViews.Enactor enactorStatus(String az, URI base) throws IOException {
    EnactorClient.Reply r = enactors.send(base, "GET", "/v1/status", null);
    if (r.status() != 200) {
      throw new IOException("GET /v1/status answered " + r.status() + ": " + r.body());
    }
    Status s = json.readValue(r.body(), Status.class);
    return new ConsoleViews.Enactor(
        az,
        base.toString(),
        true,
        s.mode(),
        s.paused(),
        s.stuck(),
        s.stuckReason(),
        s.lastAppliedGeneration(),
        s.faults() == null ? List.of() : s.faults(),
        s.waiting(),
        az.equals(s.az()) ? null : "the enactor at " + base + " says it is " + s.az());
  }

  /** GET /v1/status as the enactor sends it. */
  @io.micronaut.serde.annotation.Serdeable
  record Status(
      String az,
      String mode,
      @io.micronaut.core.annotation.Nullable Long lastAppliedGeneration,
      boolean stuck,
      @io.micronaut.core.annotation.Nullable String stuckReason,
      boolean paused,
      @io.micronaut.core.annotation.Nullable List<ConsoleViews.Fault> faults,
      @io.micronaut.core.annotation.Nullable ConsoleViews.Waiting waiting) {}
}
