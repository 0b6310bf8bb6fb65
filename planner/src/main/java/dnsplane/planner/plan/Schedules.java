package dnsplane.planner.plan;

import dnsplane.planner.PlannerConfig;
import dnsplane.planner.health.ActiveHealthChecker;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** Schedules starts the heartbeat (unless its period is zero) and the active health-check rounds. */
@Singleton
final class Schedules {

  private final PlannerScheduler scheduler;
  private final PlanWriter writer;
  private final ActiveHealthChecker checker;
  private final PlannerConfig config;

  Schedules(PlannerScheduler scheduler, PlanWriter writer, ActiveHealthChecker checker, PlannerConfig config) {
    this.scheduler = scheduler;
    this.writer = writer;
    this.checker = checker;
    this.config = config;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (!config.heartbeat().isZero()) {
      scheduler.every(config.heartbeat(), "heartbeat", () -> writer.force("heartbeat"));
    }
    scheduler.every(config.checkInterval(), "health-check round", checker::runRound);
  }
}
