package dnsplane.db.audit;

import java.time.Instant;

/**
 * AuditRow is one row of the audit trail: what {@code actor} (an availability zone) did or refused
 * to do with plan {@code generation} on {@code endpoint}. {@code id} and {@code at} are null until
 * the row is stored.
 */
public record AuditRow(
    Long id,
    Instant at,
    String actor,
    String action,
    Long generation,
    String endpoint,
    Long previousGeneration,
    Long newGeneration,
    String detail) {

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
