package dnsplane.resolver.resolve;

import java.time.Duration;

/**
 * TaskScheduler runs background work after a delay (guard re-asks). Injected so tests can drive
 * time through the clock alone and run scheduled work on demand.
 */
public interface TaskScheduler {
  void schedule(Duration delay, Runnable task);
}
