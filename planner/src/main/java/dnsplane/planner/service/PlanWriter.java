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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * A plan's entries in endpoint order and by endpoint, as the calculator compares them (the order
   * spares it most lookups: the next plan's endpoints mostly come in the same order). {@code
   * written}: this planner wrote the plan from exactly these entries, so its rows are what {@link
   * PlanStore#insert} writes for them and the next plan may carry the unchanged ones over inside
   * the database.
   */
  record PreviousPlan(
      long generation, List<PlanEntry> inOrder, Map<String, PlanEntry> entries, boolean written) {

    PreviousPlan(long generation, List<PlanEntry> inOrder, boolean written) {
      this(generation, inOrder, byEndpoint(inOrder), written);
    }
  }

  /**
   * The newest plan this planner wrote or read. Plans are immutable and generations never reused,
   * so while it is still the newest plan its entries are exactly what the database holds, and the
   * next plan is computed without reading 100,000 entries back.
   */
  private final AtomicReference<PreviousPlan> last = new AtomicReference<>();

  /** What this planner remembers now (tests); null before its first plan. */
  PreviousPlan remembered() {
    return last.get();
  }

  /** The newest plan's entries: remembered when it is still the newest, else read. */
  private PreviousPlan previous(Connection c) throws SQLException {
    Optional<Long> newest = plans.newestGeneration(c);
    if (newest.isEmpty()) {
      return null;
    }
    PreviousPlan remembered = last.get();
    if (remembered != null && remembered.generation() == newest.get()) {
      return remembered;
    }
    return plans
        .get(c, newest.get())
        .map(p -> new PreviousPlan(p.generation(), p.entries(), false))
        .orElse(null);
  }

  private static Map<String, PlanEntry> byEndpoint(List<PlanEntry> entries) {
    Map<String, PlanEntry> out = new HashMap<>(entries.size() * 2);
    entries.forEach(e -> out.put(e.endpoint(), e));
    return Collections.unmodifiableMap(out);
  }

  public <T> Outcome<T> run(String reason, boolean force, Mutation<T> mutation) {
    long start = System.nanoTime();
    VelocityPolicy policy = config.velocityPolicy();
    PreviousPlan[] newest = {null};
    Outcome<T> out =
        db.inTransaction(
            c -> {
              Instant now = Plans.lockForNextPlan(c);
              T value = mutation.apply(c, now);
              PreviousPlan before = previous(c);
              Map<String, PlanEntry> previous = before == null ? Map.of() : before.entries();
              Instant windowStart = now.minus(policy.window());
              PlanDraft draft =
                  PlanCalculator.calculate(
                      endpoints.allForPlanning(c),
                      previous,
                      before == null ? List.of() : before.inOrder(),
                      velocity.since(c, windowStart),
                      policy,
                      now);
              Long generation = null;
              if (force || draft.changed()) {
                // After a plan of its own, only what changed is sent; the rest is copied from
                // that plan's rows inside the database (a heartbeat sends nothing at all).
                generation =
                    before != null && before.written()
                        ? plans.insertCarrying(
                            c, reason, draft, before.generation(), before.entries())
                        : plans.insert(c, reason, draft.entries());
                velocity.record(c, draft.removals(), generation);
                newest[0] = new PreviousPlan(generation, draft.entries(), true);
              } else {
                newest[0] = before;
              }
              velocity.prune(c, windowStart);
              return new Outcome<>(value, generation, draft, now);
            });
    // Only once committed: a plan rolled back must not be remembered (its generation is never
    // reused, so it could not be mistaken for the newest anyway).
    if (newest[0] != null) {
      // Several threads write plans: keep the newest generation, whichever thread gets here last.
      last.accumulateAndGet(
          newest[0], (was, now) -> was == null || now.generation() > was.generation() ? now : was);
    }
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
