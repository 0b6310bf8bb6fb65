package dnsplane.planner.plan;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * PlanView is a plan as the API shows it: {@code {"generation":12,"createdAt":"...","reason":"...",
 * "entries":[{"endpoint":"...","ttl":60,"failOpen":false,"addresses":[...]}]}}.
 */
@Serdeable
public record PlanView(long generation, String createdAt, String reason, List<EntryView> entries) {

  /** One endpoint of a plan. */
  @Serdeable
  public record EntryView(String endpoint, int ttl, boolean failOpen, List<PlannedAddress> addresses) {}

  public static PlanView of(Plan p) {
    return new PlanView(
        p.generation(),
        p.createdAt().toString(),
        p.reason(),
        p.entries().stream()
            .map(e -> new EntryView(e.endpoint(), e.ttl(), e.failOpen(), e.addresses()))
            .toList());
  }
}
