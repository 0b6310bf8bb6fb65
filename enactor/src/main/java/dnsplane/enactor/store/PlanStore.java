package dnsplane.enactor.store;

import dnsplane.db.Transactions;
import dnsplane.db.plan.PlanAddressRow;
import dnsplane.db.plan.PlanEntryRow;
import dnsplane.db.plan.PlanRow;
import dnsplane.db.plan.Plans;
import dnsplane.enactor.rules.Plan;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * PlanStore reads plans as the planner wrote them (db's {@link Plans}) as the enactor's rules see
 * them.
 */
public final class PlanStore {

  private final Transactions tx;

  public PlanStore(DataSource ds) {
    this(Transactions.over(ds));
  }

  public PlanStore(Transactions tx) {
    this.tx = tx;
  }

  /** Every plan generation that exists now. */
  public Set<Long> generations() throws SQLException {
    return tx.read(Plans::generations);
  }

  public Optional<Long> newestGeneration() throws SQLException {
    return tx.read(Plans::newestGeneration);
  }

  /** Plan {@code generation} with its entries sorted by endpoint; empty when it does not exist. */
  public Optional<Plan> load(long generation) throws SQLException {
    // One snapshot, so a plan deleted meanwhile never comes back with no entries.
    return tx.snapshot(c -> Plans.get(c, generation)).map(PlanStore::toPlan);
  }

  static Plan toPlan(PlanRow row) {
    List<PlanEntry> entries = new ArrayList<>(row.entries().size());
    for (PlanEntryRow e : row.entries()) {
      List<PlanAddress> addresses = new ArrayList<>(e.addresses().size());
      for (PlanAddressRow a : e.addresses()) {
        addresses.add(new PlanAddress(a.address(), a.weight(), a.az()));
      }
      entries.add(
          new PlanEntry(
              row.generation(), e.endpoint(), e.ttl(), addresses, e.failOpen(), e.deleted()));
    }
    return new Plan(row.generation(), entries);
  }
}
