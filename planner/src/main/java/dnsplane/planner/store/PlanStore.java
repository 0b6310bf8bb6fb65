package dnsplane.planner.store;

import dnsplane.db.plan.PlanAddressRow;
import dnsplane.db.plan.PlanEntryRow;
import dnsplane.db.plan.PlanInserts;
import dnsplane.db.plan.PlanRow;
import dnsplane.db.plan.Plans;
import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanDraft;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    return PlanInserts.insert(c, reason, rows(entries));
  }

  /**
   * Inserts the next plan like {@link #insert}, copying inside the database every entry the draft
   * found equal to plan {@code from}'s entry for the same endpoint ({@code previous}, the entries
   * the draft was computed against) instead of sending it again. Only for a plan this planner wrote
   * itself from {@code previous}: then its rows are exactly what {@link #insert} would write for
   * those entries (see {@link PlanInserts#insertCarrying}).
   */
  public long insertCarrying(
      Connection c, String reason, PlanDraft draft, long from, Map<String, PlanEntry> previous)
      throws SQLException {
    List<PlanEntry> entries = draft.entries();
    List<String> carried = new ArrayList<>(entries.size());
    List<PlanEntry> fresh = new ArrayList<>();
    // Plan from's endpoints that are not carried: those whose entry changed, and those no longer
    // planned at all (an endpoint row removed), which only a walk of previous finds.
    List<String> notCarried = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      PlanEntry e = entries.get(i);
      if (draft.unchanged(i)) {
        carried.add(e.endpoint());
      } else {
        fresh.add(e);
        if (previous.containsKey(e.endpoint())) {
          notCarried.add(e.endpoint());
        }
      }
    }
    if (carried.size() + notCarried.size() != previous.size()) {
      Set<String> planned = new HashSet<>(entries.size() * 2);
      entries.forEach(e -> planned.add(e.endpoint()));
      previous.keySet().stream().filter(n -> !planned.contains(n)).forEach(notCarried::add);
    }
    return PlanInserts.insertCarrying(c, reason, from, carried, notCarried, rows(fresh));
  }

  /**
   * The entries as db's rows, each converted when read: the insert encodes a row and drops it, so a
   * 100,000-entry plan is never held twice.
   */
  private static List<PlanEntryRow> rows(List<PlanEntry> entries) {
    return new AbstractList<>() {
      @Override
      public PlanEntryRow get(int i) {
        return row(entries.get(i));
      }

      @Override
      public int size() {
        return entries.size();
      }
    };
  }

  private static PlanEntryRow row(PlanEntry e) {
    Set<String> families = new TreeSet<>();
    e.failOpenFamilies().forEach(f -> families.add(f.name()));
    return new PlanEntryRow(
        0,
        e.endpoint(),
        e.ttl(),
        e.failOpen(),
        addressRows(e.addresses()),
        families,
        addressRows(e.held()),
        e.deleted());
  }

  private static List<PlanAddressRow> addressRows(List<PlannedAddress> addresses) {
    if (addresses.isEmpty()) {
      return List.of();
    }
    PlanAddressRow[] out = new PlanAddressRow[addresses.size()];
    for (int i = 0; i < out.length; i++) {
      PlannedAddress a = addresses.get(i);
      out[i] = new PlanAddressRow(a.address(), a.weight(), a.az());
    }
    return List.of(out);
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
