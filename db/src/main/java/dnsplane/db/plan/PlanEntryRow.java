package dnsplane.db.plan;

import java.util.List;
import java.util.Set;

/**
 * PlanEntryRow is one {@code plan_entry} row: what plan {@code generation} says {@code endpoint}
 * publishes. {@code failOpenFamilies} holds "A"/"AAAA"; {@code held} the addresses a velocity limit
 * held back. A row written before fail-open was per family has {@code failOpen} and no families.
 */
public record PlanEntryRow(
    long generation,
    String endpoint,
    int ttl,
    boolean failOpen,
    List<PlanAddressRow> addresses,
    Set<String> failOpenFamilies,
    List<PlanAddressRow> held,
    boolean deleted) {

  public PlanEntryRow {
    addresses = List.copyOf(addresses);
    failOpenFamilies = Set.copyOf(failOpenFamilies);
    held = List.copyOf(held);
  }
}
