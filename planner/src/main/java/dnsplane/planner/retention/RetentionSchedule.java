package dnsplane.planner.retention;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RetentionSchedule runs a {@link Retention} pass every {@code dnsplane.planner.retention.interval}
 * (unless it is off), on a thread of its own: a pass working off a backlog must not delay the
 * heartbeat or health checks on the planner's shared scheduler. Passes never overlap (fixed delay).
 */
@Singleton
final class RetentionSchedule {

  private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);

  private final Retention retention;
  private final RetentionConfig config;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private ScheduledExecutorService executor;

  RetentionSchedule(Retention retention, RetentionConfig config) {
    this.retention = retention;
    this.config = config;
  }

  @EventListener
  synchronized void onStartup(StartupEvent event) {
    if (!config.enabled()) {
      log.info(
          "retention: off (dnsplane.planner.retention.interval is 0): change_log and audit_log grow"
              + " unbounded");
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "planner-retention");
              t.setDaemon(true);
              return t;
            });
    long ms = config.interval().toMillis();
    executor.scheduleWithFixedDelay(this::pass, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void pass() {
    try {
      retention.runPass(stopping::get);
    } catch (RuntimeException e) {
      // Retention already handles each table's failure; this keeps the schedule alive regardless.
      log.warn("retention pass failed: {}", e.toString());
    }
  }

  /** Stops between batches, before the connection pool the passes use is closed. */
  @PreDestroy
  synchronized void stop() {
    stopping.set(true);
    if (executor != null) {
      executor.shutdown();
      try {
        // A batch in flight is one short statement; waiting for it beats closing the pool under it.
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
