package dnsplane.planner;

import dnsplane.planner.config.PlannerConfig;
import dnsplane.planner.health.ActiveHealthChecker;
import dnsplane.planner.schedule.PlannerScheduler;
import dnsplane.planner.service.PlanWriter;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * Schedules starts the heartbeat (unless its period is zero), the active health-check rounds, and
 * one evaluation at start: it releases removals whose window passed while no planner ran, and
 * schedules the follow-up for those still held (velocity history lives in the database).
 */
@Singleton
final class Schedules {

  private final PlannerScheduler scheduler;
  private final PlanWriter writer;
  private final ActiveHealthChecker checker;
  private final PlannerConfig config;
  private final List<ScheduledFuture<?>> running = new ArrayList<>();

  Schedules(
      PlannerScheduler scheduler,
      PlanWriter writer,
      ActiveHealthChecker checker,
      PlannerConfig config) {
    this.scheduler = scheduler;
    this.writer = writer;
    this.checker = checker;
    this.config = config;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (!config.heartbeat().isZero()) {
      running.add(
          scheduler.every(config.heartbeat(), "heartbeat", () -> writer.force("heartbeat")));
    }
    running.add(scheduler.every(config.checkInterval(), "health-check round", checker::runRound));
    running.add(
        scheduler.later(
            Duration.ZERO, "evaluation at start", () -> writer.evaluate("planner start")));
  }

  /** Stops the timed work before the beans it uses (the connection pool) are closed. */
  @PreDestroy
  void stop() {
    running.forEach(f -> f.cancel(false));
  }
}
