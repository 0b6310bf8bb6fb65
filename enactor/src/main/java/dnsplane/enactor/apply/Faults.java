package dnsplane.enactor.apply;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Faults holds the injected per-endpoint delays and makes them observable: while the enactor waits
 * before writing an endpoint, {@link #waiting()} names the endpoint and plan, and the wait ends
 * early when the fault is cleared or {@link #release()} is called. Tests await that state and
 * release it instead of sleeping.
 */
public final class Faults {

  /** The enactor is waiting before writing {@code endpoint} with plan {@code generation}. */
  public record Waiting(String endpoint, long generation) {}

  /** How a wait ended. */
  public enum WaitEnd {
    ELAPSED,
    RELEASED,
    CLEARED
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Duration> delays = new TreeMap<>();
  private Waiting waiting;
  private long releases;

  public void setDelay(String endpoint, Duration delay) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    lock.lock();
    try {
      delays.put(endpoint, delay);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes every delay; a wait in progress ends at once. */
  public void clear() {
    lock.lock();
    try {
      delays.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the wait in progress (if any) without removing the delay. */
  public void release() {
    lock.lock();
    try {
      releases++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public Map<String, Duration> delays() {
    lock.lock();
    try {
      return Map.copyOf(delays);
    } finally {
      lock.unlock();
    }
  }

  /** The delay before writing {@code endpoint}, or null. */
  public Duration delayFor(String endpoint) {
    lock.lock();
    try {
      return delays.get(endpoint);
    } finally {
      lock.unlock();
    }
  }

  /** What the enactor is waiting on now, or null. */
  public Waiting waiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code delay} before writing {@code endpoint}; ends early on clear/release. */
  public WaitEnd await(String endpoint, long generation, Duration delay)
      throws InterruptedException {
    lock.lock();
    try {
      waiting = new Waiting(endpoint, generation);
      changed.signalAll();
      long seen = releases;
      long left = delay.toNanos();
      while (true) {
        if (releases != seen) {
          return WaitEnd.RELEASED;
        }
        if (!delays.containsKey(endpoint)) {
          return WaitEnd.CLEARED;
        }
        if (left <= 0) {
          return WaitEnd.ELAPSED;
        }
        left = changed.awaitNanos(left);
      }
    } finally {
      waiting = null;
      changed.signalAll();
      lock.unlock();
    }
  }

  /** Blocks until the enactor waits on {@code endpoint}, or the timeout passes; for tests. */
  public boolean awaitWaitingOn(String endpoint, Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (waiting == null || !waiting.endpoint().equals(endpoint)) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
