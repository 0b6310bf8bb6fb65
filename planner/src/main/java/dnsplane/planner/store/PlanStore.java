package dnsplane.planner.store;

import dnsplane.db.plan.PlanAddressRow;
import dnsplane.db.plan.PlanEntryRow;
import dnsplane.db.plan.PlanRow;
import dnsplane.db.plan.Plans;
import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * PlanStore reads and inserts plans through db's {@link Plans}, in the planner's terms. Each method
 * runs on the caller's connection, inside its transaction.
 */
@Singleton
public final class PlanStore {

  /** The newest plan's generation, without its entries. */
  public Optional<Long> newestGeneration(Connection c) throws SQLException {
    return Plans.newestGeneration(c);
  }

  public Optional<Plan> latest(Connection c) throws SQLException {
    return Plans.latest(c).map(PlanStore::toPlan);
  }

  public Optional<Plan> get(Connection c, long generation) throws SQLException {
    return Plans.get(c, generation).map(PlanStore::toPlan);
  }

  /** The newest {@code limit} plans, newest first. */
  public List<Plan> newest(Connection c, int limit) throws SQLException {
    return Plans.newest(c, limit).stream().map(PlanStore::toPlan).toList();
  }

  /** Inserts the next plan and notifies the enactors (on commit); returns its generation. */
  public long insert(Connection c, String reason, List<PlanEntry> entries) throws SQLException {
    List<PlanEntryRow> rows = new ArrayList<>(entries.size());
    for (PlanEntry e : entries) {
      Set<String> families = new TreeSet<>();
      e.failOpenFamilies().forEach(f -> families.add(f.name()));
      rows.add(
          new PlanEntryRow(
              0,
              e.endpoint(),
              e.ttl(),
              e.failOpen(),
              rows(e.addresses()),
              families,
              rows(e.held()),
              e.deleted()));
    }
    return Plans.insert(c, reason, rows);
  }

  private static List<PlanAddressRow> rows(List<PlannedAddress> addresses) {
    return addresses.stream()
        .map(a -> new PlanAddressRow(a.address(), a.weight(), a.az()))
        .toList();
  }

  private static Plan toPlan(PlanRow row) {
    List<PlanEntry> entries = new ArrayList<>(row.entries().size());
    for (PlanEntryRow e : row.entries()) {
      List<PlannedAddress> addresses = addresses(e.addresses());
      Set<AddressFamily> failOpen = EnumSet.noneOf(AddressFamily.class);
      e.failOpenFamilies().forEach(f -> failOpen.add(AddressFamily.valueOf(f)));
      if (e.failOpen() && failOpen.isEmpty()) {
        // Written before fail open was per family: then it meant every target, so every family.
        addresses.forEach(a -> failOpen.add(AddressFamily.of(a.address())));
      }
      entries.add(
          new PlanEntry(
              e.endpoint(), e.ttl(), addresses, failOpen, addresses(e.held()), e.deleted()));
    }
    return new Plan(row.generation(), row.createdAt(), row.reason(), entries);
  }

  private static List<PlannedAddress> addresses(List<PlanAddressRow> rows) {
    return rows.stream().map(a -> new PlannedAddress(a.address(), a.weight(), a.az())).toList();
  }
}
