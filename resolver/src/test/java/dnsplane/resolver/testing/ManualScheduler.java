package dnsplane.resolver.testing;

import dnsplane.resolver.resolve.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ManualScheduler keeps scheduled tasks until the test runs them, so background work happens only
 * on demand.
 */
public final class ManualScheduler implements TaskScheduler {
  private final List<Runnable> tasks = new ArrayList<>();

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    tasks.add(task);
  }

  public synchronized int pending() {
    return tasks.size();
  }

  /** Runs every task scheduled so far. */
  public void runAll() {
    List<Runnable> now;
    synchronized (this) {
      now = new ArrayList<>(tasks);
      tasks.clear();
    }
    now.forEach(Runnable::run);
  }
}
