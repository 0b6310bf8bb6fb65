package dnsplane.planner.schedule;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlannerScheduler runs the planner's timed work (heartbeat, health-check rounds, velocity
 * follow-ups) on two daemon threads. A task that throws is logged and keeps its schedule.
 */
@Singleton
public final class PlannerScheduler {

  private static final Logger log = LoggerFactory.getLogger(PlannerScheduler.class);

  private final ScheduledExecutorService executor;

  public PlannerScheduler() {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "planner-scheduler-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public ScheduledFuture<?> every(Duration period, String what, Runnable task) {
    long ms = period.toMillis();
    return executor.scheduleWithFixedDelay(guarded(what, task), ms, ms, TimeUnit.MILLISECONDS);
  }

  public ScheduledFuture<?> later(Duration delay, String what, Runnable task) {
    return executor.schedule(guarded(what, task), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("{} failed: {}", what, e.toString());
      }
    };
  }

  @PreDestroy
  void close() {
    executor.shutdownNow();
  }
}
