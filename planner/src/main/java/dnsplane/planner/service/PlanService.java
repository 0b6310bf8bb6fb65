package dnsplane.planner.service;

import dnsplane.planner.plan.Plan;
import dnsplane.planner.service.ServiceException.NotFound;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.PlanStore;
import jakarta.inject.Singleton;
import java.util.List;

/** PlanService carries out the plan API: stored plans, and a plan written on request. */
@Singleton
public final class PlanService {

  private final Database db;
  private final PlanStore plans;
  private final PlanWriter writer;

  public PlanService(Database db, PlanStore plans, PlanWriter writer) {
    this.db = db;
    this.plans = plans;
    this.writer = writer;
  }

  /** The newest {@code limit} plans, newest first. */
  public List<Plan> newest(int limit) {
    return db.read(c -> plans.newest(c, limit));
  }

  public Plan latest() {
    return db.read(plans::latest).orElseThrow(() -> new NotFound("no plan yet"));
  }

  public Plan get(long generation) {
    return db.read(c -> plans.get(c, generation))
        .orElseThrow(() -> new NotFound("no plan " + generation));
  }

  /** Writes a plan now, even if nothing changed, and returns it as stored. */
  public Plan force(String reason) {
    return get(writer.force(reason).generation());
  }
}
