package dnsplane.planner.service;

import dnsplane.db.plan.Plans;
import dnsplane.planner.config.PlannerConfig;
import dnsplane.planner.plan.PlanCalculator;
import dnsplane.planner.plan.PlanDraft;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.VelocityPolicy;
import dnsplane.planner.schedule.FollowUp;
import dnsplane.planner.schedule.PlannerScheduler;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.PlanStore;
import dnsplane.planner.store.VelocityStore;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlanWriter is the only code that writes plans. Each call is one transaction that
 *
 * <ol>
 *   <li>takes the plan writers' advisory lock ({@link Plans#lockForNextPlan}), so plan writes (from
 *       any planner process) are serialized and none is computed from a view older than the
 *       previous plan;
 *   <li>reads the time from the database, so every planner measures the velocity window alike;
 *   <li>applies the caller's mutation (an endpoint replaced or deleted, a health change), if any;
 *   <li>reads every endpoint, the newest plan and the health removals within the velocity window,
 *       and runs {@link PlanCalculator};
 *   <li>inserts plan N+1 when the draft changed or the caller forces one, records the plan's health
 *       removals, prunes those the window no longer counts, and NOTIFYs enactors.
 * </ol>
 *
 * A mutation that throws rolls everything back, so a rejected request stores nothing. When the
 * velocity limit holds removals back, a follow-up evaluation is scheduled for the moment the window
 * allows the next one (the oldest removal in it ages out).
 */
@Singleton
public final class PlanWriter {

  static final String FOLLOW_UP = "velocity follow-up";

  private static final Logger log = LoggerFactory.getLogger(PlanWriter.class);

  /** A change to apply inside the plan-writing transaction; {@code now} is the database's time. */
  @FunctionalInterface
  public interface Mutation<T> {
    T apply(Connection c, Instant now) throws SQLException;
  }

  /** What a call did: the mutation's result and the generation written, or null when none was. */
  public record Outcome<T>(T value, Long generation, PlanDraft draft, Instant now) {}

  private final Database db;
  private final EndpointStore endpoints;
  private final PlanStore plans;
  private final VelocityStore velocity;
  private final PlannerConfig config;
  private final PlanWriteMetrics metrics;
  private final FollowUp followUp;

  public PlanWriter(
      Database db,
      EndpointStore endpoints,
      PlanStore plans,
      VelocityStore velocity,
      PlannerConfig config,
      PlanWriteMetrics metrics,
      PlannerScheduler scheduler) {
    this.db = db;
    this.endpoints = endpoints;
    this.plans = plans;
    this.velocity = velocity;
    this.config = config;
    this.metrics = metrics;
    this.followUp = new FollowUp(scheduler, () -> evaluate(FOLLOW_UP));
  }

  /** Writes a plan now even if nothing changed (heartbeat, POST /v1/plans). */
  public Outcome<Void> force(String reason) {
    return run(reason, true, (c, now) -> null);
  }

  /** Writes a plan only if the healthy set (or anything else planned) changed. */
  public Outcome<Void> evaluate(String reason) {
    return run(reason, false, (c, now) -> null);
  }

  public <T> Outcome<T> run(String reason, boolean force, Mutation<T> mutation) {
    long start = System.nanoTime();
    VelocityPolicy policy = config.velocityPolicy();
    Outcome<T> out =
        db.inTransaction(
            c -> {
              Instant now = Plans.lockForNextPlan(c);
              T value = mutation.apply(c, now);
              Map<String, PlanEntry> previous = new HashMap<>();
              plans
                  .latest(c)
                  .ifPresent(p -> p.entries().forEach(e -> previous.put(e.endpoint(), e)));
              Instant windowStart = now.minus(policy.window());
              PlanDraft draft =
                  PlanCalculator.calculate(
                      endpoints.allForPlanning(c),
                      previous,
                      velocity.since(c, windowStart),
                      policy,
                      now);
              Long generation = null;
              if (force || draft.changed()) {
                generation = plans.insert(c, reason, draft.entries());
                velocity.record(c, draft.removals(), generation);
              }
              velocity.prune(c, windowStart);
              return new Outcome<>(value, generation, draft, now);
            });
    PlanDraft d = out.draft();
    if (out.generation() != null) {
      metrics.planWritten(
          out.generation(),
          d.failOpenEndpoints().size(),
          d.heldAddresses(),
          d.newlyHeld(),
          d.removals().size(),
          (System.nanoTime() - start) / 1e9);
      log.info(
          "wrote plan {} ({}): {} endpoints, fail open {}, health removals {}, held {}",
          out.generation(),
          reason,
          d.entries().size(),
          d.failOpenEndpoints(),
          d.removals().size(),
          d.heldAddresses());
    }
    // Also when no plan was written: an evaluation that came too early must still be followed up.
    d.nextRelease().ifPresent(at -> followUp.after(Duration.between(out.now(), at)));
    return out;
  }
}
