package dnsplane.planner.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsoleTicker runs the console's ticks ({@link ConsoleGatherer}) and publishes each one's
 * snapshot. It works only while a page watches (an {@code /ui/api} call in the last minute), on
 * threads of its own, so a planner nobody watches sends no DNS query and a slow server or enactor
 * never delays planning. A failing tick is logged and leaves the last snapshot in place, marked
 * with the error.
 */
final class ConsoleTicker {

  // ConsoleService's name, as before the tick moved here: log settings and readers look for it.
  private static final Logger log = LoggerFactory.getLogger(ConsoleService.class);

  /** One tick's result, immutable once published: the watched endpoints by name. */
  record Snapshot(
      Instant at,
      String error,
      ConsoleViews.State state,
      Map<String, ConsoleViews.Endpoint> byName,
      long total) {}

  private final ConsoleSettings settings;
  private final ConsoleGatherer gatherer;
  private final Object tickLock = new Object();

  private volatile long watchedAt = Long.MIN_VALUE;
  private volatile Snapshot latest;
  private ScheduledExecutorService ticker;
  private ExecutorService pool;

  // Touched under tickLock only.
  private String lastTickError;

  ConsoleTicker(ConsoleSettings settings, ConsoleGatherer gatherer) {
    this.settings = settings;
    this.gatherer = gatherer;
  }

  /** The last tick's snapshot, or null before the first. */
  Snapshot latest() {
    return latest;
  }

  /** Dates the last snapshot back, so that the next page request gathers anew. */
  void outdate() {
    Snapshot s = latest;
    if (s != null) {
      latest = new Snapshot(Instant.EPOCH, s.error(), s.state(), s.byName(), s.total());
    }
  }

  /** True once a page has asked: until then the console has no thread and sends nothing. */
  synchronized boolean started() {
    return ticker != null;
  }

  /** Marks the console watched, and starts its ticking the first time. */
  void watch() {
    watchedAt = System.nanoTime();
    synchronized (this) {
      if (ticker == null) {
        AtomicInteger n = new AtomicInteger();
        pool =
            Executors.newFixedThreadPool(
                4,
                r -> {
                  Thread t = new Thread(r, "console-probe-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
        ticker =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "console-tick");
                  t.setDaemon(true);
                  return t;
                });
        ticker.scheduleWithFixedDelay(
            this::tickIfWatched,
            settings.probeInterval().toMillis(),
            settings.probeInterval().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Stops the threads: the planner is stopping. */
  synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      pool.shutdownNow();
    }
  }

  private void tickIfWatched() {
    if (System.nanoTime() - watchedAt > ConsoleService.WATCH_WINDOW.toNanos()) {
      return;
    }
    try {
      tickNow();
    } catch (RuntimeException e) {
      // Never let one bad tick end the schedule.
      log.warn("console: tick failed: {}", e.toString());
    }
  }

  /** One tick on the calling thread, after any tick under way. */
  void tickNow() {
    synchronized (tickLock) {
      Instant at = Instant.now();
      Snapshot previous = latest;
      try {
        latest = gatherer.gather(at, pool);
        if (lastTickError != null) {
          log.info("console: the database answers again");
          lastTickError = null;
        }
      } catch (RuntimeException e) {
        String error = "console data not updated: " + e.getMessage();
        if (!error.equals(lastTickError)) {
          log.warn("console: {}", error);
          lastTickError = error;
        }
        ConsoleViews.State old =
            previous == null
                ? new ConsoleViews.State(
                    at.toString(),
                    null,
                    error,
                    gatherer.servers(),
                    List.of(),
                    List.of(),
                    0,
                    0,
                    false)
                : previous.state();
        latest =
            new Snapshot(
                at,
                error,
                new ConsoleViews.State(
                    at.toString(),
                    old.updatedAt(),
                    error,
                    old.servers(),
                    old.enactors(),
                    old.endpoints(),
                    old.total(),
                    old.matched(),
                    false),
                previous == null ? Map.of() : previous.byName(),
                previous == null ? 0 : previous.total());
      }
    }
  }
}
