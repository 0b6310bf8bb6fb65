package dnsplane.db.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Await polls a condition until it holds or a deadline passes, failing the test with what it was
 * waiting for. Tests wait on conditions, never on bare sleeps.
 */
public final class Await {

  /** The deadline when a test names none: generous, because CI machines are shared and slow. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  /** The poll interval: short enough not to slow a test, long enough not to spin a core. */
  private static final long POLL_NANOS = 5_000_000L;

  /** A condition that may touch a database or a socket. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  public static void until(String what, Condition condition) {
    until(what, DEFAULT_DEADLINE, condition);
  }

  public static void until(String what, Duration deadline, Condition condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!check(what, condition)) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + deadline + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  private static boolean check(String what, Condition condition) {
    try {
      return condition.holds();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking " + what + " failed: " + e, e);
    }
  }
}
