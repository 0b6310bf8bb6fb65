package dnsplane.enactor.api;

import dnsplane.db.audit.AuditRow;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.Faults;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Views holds the JSON shapes of the enactor's admin API (requests and responses). */
public final class Views {

  private Views() {}

  /** GET /v1/status. {@code waiting} says which delayed endpoint the enactor is waiting on. */
  @Serdeable
  public record Status(
      String az,
      String mode,
      @Nullable Long lastAppliedGeneration,
      boolean stuck,
      @Nullable String stuckReason,
      boolean paused,
      List<Fault> faults,
      @Nullable Waiting waiting) {

    static Status of(Enactor e) {
      Faults.Waiting w = e.faults().waiting();
      return new Status(
          e.az(),
          e.mode().wire(),
          e.lastApplied(),
          e.stuckReason() != null,
          e.stuckReason(),
          e.paused(),
          e.faults().delays().entrySet().stream()
              .sorted(java.util.Map.Entry.comparingByKey())
              .map(f -> new Fault(f.getKey(), f.getValue().toString()))
              .toList(),
          w == null ? null : new Waiting(w.endpoint(), w.generation()));
    }
  }

  /** One injected delay; {@code delay} is ISO-8601 ("PT20S"). */
  @Serdeable
  public record Fault(String endpoint, String delay) {}

  /** The delayed endpoint the enactor is waiting on, with the plan it holds. */
  @Serdeable
  public record Waiting(String endpoint, long generation) {}

  /** PUT /v1/mode. */
  @Serdeable
  public record ModeRequest(@Nullable String mode) {}

  /** PUT /v1/faults/delay. */
  @Serdeable
  public record DelayRequest(@Nullable String endpoint, @Nullable String delay) {}

  /** POST /v1/repair. */
  @Serdeable
  public record RepairRequest(@Nullable String endpoint) {}

  /**
   * POST /v1/repair's answer; {@code outcome} is what became of the entry, as its audit action
   * ({@code write}, {@code unpublish}, {@code unchanged}, {@code stale_skip}, {@code
   * empty_rejected}, {@code empty_family_rejected}, {@code invalid_entry}, {@code guard_refused},
   * {@code no_zone}).
   */
  @Serdeable
  public record Repaired(
      String endpoint,
      long generation,
      String outcome,
      int written,
      int guardRefused,
      Status status) {}

  /** One audit row. */
  @Serdeable
  public record Audit(
      long id,
      String at,
      String actor,
      String action,
      @Nullable Long generation,
      @Nullable String endpoint,
      @Nullable Long previousGeneration,
      @Nullable Long newGeneration,
      @Nullable String detail) {

    static Audit of(AuditRow e) {
      return new Audit(
          e.id(),
          e.at().toString(),
          e.actor(),
          e.action(),
          e.generation(),
          e.endpoint(),
          e.previousGeneration(),
          e.newGeneration(),
          e.detail());
    }
  }

  /** Any 4xx: what was wrong with the request. */
  @Serdeable
  public record Problem(String error) {}

  /** GET /health. */
  @Serdeable
  public record Health(String status, String az, @Nullable String problem) {}

  static List<Audit> audits(List<AuditRow> rows) {
    return rows.stream().map(Audit::of).toList();
  }
}
