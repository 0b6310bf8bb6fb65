package dnsplane.planner.plan;

import java.util.List;

/**
 * PlanView is a plan as the API shows it: {@code {"generation":12,"createdAt":"...","reason":"...",
 * "entries":[{"endpoint":"...","ttl":60,"failOpen":false,"failOpenFamilies":[],"addresses":[...],
 * "held":[],"deleted":false}]}}.
 */
public record PlanView(long generation, String createdAt, String reason, List<EntryView> entries) {

  /** One endpoint of a plan; the fields are those of {@link PlanEntry}. */
  public record EntryView(
      String endpoint,
      int ttl,
      boolean failOpen,
      List<String> failOpenFamilies,
      List<PlannedAddress> addresses,
      List<PlannedAddress> held,
      boolean deleted) {

    static EntryView of(PlanEntry e) {
      return new EntryView(
          e.endpoint(),
          e.ttl(),
          e.failOpen(),
          e.failOpenFamilies().stream().map(AddressFamily::name).toList(),
          e.addresses(),
          e.held(),
          e.deleted());
    }
  }

  public static PlanView of(Plan p) {
    return new PlanView(
        p.generation(),
        p.createdAt().toString(),
        p.reason(),
        p.entries().stream().map(EntryView::of).toList());
  }
}
