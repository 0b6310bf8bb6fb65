package dnsplane.db.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * AuditRow is one row of the audit trail: what {@code actor} (an availability zone) did or refused
 * to do with plan {@code generation} on {@code endpoint}. {@code id} and {@code at} are null until
 * the row is stored.
 */
@MappedEntity("audit_log")
public record AuditRow(
    @Id @GeneratedValue @Nullable Long id,
    @Nullable Instant at,
    String actor,
    String action,
    @Nullable Long generation,
    @Nullable String endpoint,
    @Nullable Long previousGeneration,
    @Nullable Long newGeneration,
    @Nullable String detail) {

  /** A new entry (not stored yet). */
  public static AuditRow of(
      String actor,
      String action,
      Long generation,
      String endpoint,
      Long previous,
      Long next,
      String detail) {
    return new AuditRow(null, null, actor, action, generation, endpoint, previous, next, detail);
  }
}
