package dnsplane.planner.schedule;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * FollowUp keeps at most one velocity follow-up pending, at the earliest moment any evaluation
 * asked for. One is enough: every evaluation releases whatever the window allows at that moment and
 * asks again for the next one.
 */
public final class FollowUp {

  /**
   * The shortest wait. The requested moment comes from the database's clock; should the two clocks
   * disagree, an evaluation that finds nothing to release yet asks again no sooner than this.
   */
  static final Duration MIN_DELAY = Duration.ofMillis(100);

  private final PlannerScheduler scheduler;
  private final Runnable evaluation;
  private ScheduledFuture<?> pending;
  private long pendingDeadline;

  public FollowUp(PlannerScheduler scheduler, Runnable evaluation) {
    this.scheduler = scheduler;
    this.evaluation = evaluation;
  }

  /**
   * Asks for an evaluation after {@code delay} (at least {@link #MIN_DELAY}); one already due
   * sooner is kept, one due later is brought forward.
   */
  public synchronized void after(Duration delay) {
    Duration wait = delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
    long deadline = System.nanoTime() + wait.toNanos();
    if (pending != null && pendingDeadline - deadline <= 0) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    try {
      self[0] =
          scheduler.later(
              wait,
              "velocity follow-up",
              () -> {
                // No longer pending once started, so that the evaluation can ask for the next one.
                synchronized (this) {
                  if (pending == self[0]) {
                    pending = null;
                  }
                }
                evaluation.run();
              });
    } catch (RejectedExecutionException e) {
      // The planner is stopping. Nothing is lost: the history is in the database, and every
      // planner evaluates at start.
      pending = null;
      return;
    }
    pending = self[0];
    pendingDeadline = deadline;
  }
}
