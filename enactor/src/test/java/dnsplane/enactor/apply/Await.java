package dnsplane.enactor.apply;

import java.time.Duration;

/** Await polls a condition until it holds or a deadline passes; never a bare sleep. */
final class Await {

  /** A condition that may touch the database. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  static final Duration DEADLINE = Duration.ofSeconds(30);

  private Await() {}

  static void until(String what, Condition c) throws Exception {
    until(what, DEADLINE, c);
  }

  static void until(String what, Duration deadline, Condition c) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    while (!c.holds()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }
}
