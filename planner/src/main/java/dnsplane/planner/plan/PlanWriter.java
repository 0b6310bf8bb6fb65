package dnsplane.planner.plan;

import dnsplane.planner.PlannerConfig;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.PlanStore;
import dnsplane.planner.web.PlannerMetrics;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlanWriter is the only code that writes plans. Each call is one transaction that
 *
 * <ol>
 *   <li>takes the planner's advisory lock, so plan writes (from any planner process) are
 *       serialized and none is computed from a view older than the previous plan;
 *   <li>applies the caller's mutation (an endpoint replaced, a health change), if any;
 *   <li>reads every endpoint and the newest plan, runs {@link PlanCalculator};
 *   <li>inserts plan N+1 when the draft changed or the caller forces one, and NOTIFYs enactors.
 * </ol>
 *
 * A mutation that throws rolls everything back, so a rejected request stores nothing.
 */
@Singleton
public final class PlanWriter {

  /** The key of {@code pg_advisory_xact_lock} for plan writes ("dnsplan" in ASCII). */
  static final long LOCK_KEY = 0x646e73706c616eL;

  private static final Logger log = LoggerFactory.getLogger(PlanWriter.class);

  /** A change to apply inside the plan-writing transaction. */
  @FunctionalInterface
  public interface Mutation<T> {
    T apply(Connection c) throws SQLException;
  }

  /** What a call did: the mutation's result and the generation written, or null when none was. */
  public record Outcome<T>(T value, Long generation, PlanDraft draft) {}

  private final Database db;
  private final EndpointStore endpoints;
  private final PlanStore plans;
  private final PlannerConfig config;
  private final PlannerMetrics metrics;
  private final PlannerScheduler scheduler;

  public PlanWriter(
      Database db,
      EndpointStore endpoints,
      PlanStore plans,
      PlannerConfig config,
      PlannerMetrics metrics,
      PlannerScheduler scheduler) {
    this.db = db;
    this.endpoints = endpoints;
    this.plans = plans;
    this.config = config;
    this.metrics = metrics;
    this.scheduler = scheduler;
  }

  /** Writes a plan now even if nothing changed (heartbeat, POST /v1/plans). */
  public Outcome<Void> force(String reason) {
    return run(reason, true, c -> null);
  }

  /** Writes a plan only if the healthy set (or anything else planned) changed. */
  public Outcome<Void> evaluate(String reason) {
    return run(reason, false, c -> null);
  }

  public <T> Outcome<T> run(String reason, boolean force, Mutation<T> mutation) {
    long start = System.nanoTime();
    Outcome<T> out =
        db.inTransaction(
            c -> {
              try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                st.setLong(1, LOCK_KEY);
                st.execute();
              }
              T value = mutation.apply(c);
              Map<String, PlanEntry> previous = new HashMap<>();
              plans.latest(c).ifPresent(p -> p.entries().forEach(e -> previous.put(e.endpoint(), e)));
              PlanDraft draft =
                  PlanCalculator.calculate(endpoints.all(c), previous, config.velocityLimit());
              Long generation = null;
              if (force || draft.changed()) {
                generation = plans.insert(c, reason, draft.entries());
              }
              return new Outcome<>(value, generation, draft);
            });
    if (out.generation() != null) {
      PlanDraft d = out.draft();
      metrics.planWritten(
          out.generation(), d.failOpenEndpoints().size(), d.deferredRemovals(), (System.nanoTime() - start) / 1e9);
      log.info(
          "wrote plan {} ({}): {} endpoints, fail open {}, deferred removals {}",
          out.generation(), reason, d.entries().size(), d.failOpenEndpoints(), d.deferredRemovals());
      if (d.deferredRemovals() > 0) {
        // The velocity limit held removals back: take the next step after a pause, not at once,
        // so that a burst of failures drains an endpoint gradually.
        scheduler.later(config.velocityStep(), "velocity follow-up", () -> evaluate("velocity follow-up"));
      }
    }
    return out;
  }
}
