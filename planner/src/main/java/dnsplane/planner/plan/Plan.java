package dnsplane.planner.plan;

import java.time.Instant;
import java.util.List;

/**
 * Plan is one stored, immutable plan: its generation, when and why it was written, and its entries.
 */
public record Plan(long generation, Instant createdAt, String reason, List<PlanEntry> entries) {

  public Plan {
    entries = List.copyOf(entries);
  }
}
