package dnsplane.db.plan;

import java.time.Instant;
import java.util.List;

/** PlanRow is one stored plan: a {@code plan} row and its {@code plan_entry} rows by endpoint. */
public record PlanRow(
    long generation, Instant createdAt, String reason, List<PlanEntryRow> entries) {

  public PlanRow {
    entries = List.copyOf(entries);
  }
}
