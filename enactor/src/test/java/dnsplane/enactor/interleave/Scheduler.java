package dnsplane.enactor.interleave;

import dnsplane.enactor.interleave.StatementGate.Actor;
import dnsplane.enactor.interleave.StatementGate.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scheduler runs actors (production code on threads of their own, through a {@link StatementGate})
 * one statement at a time. At each point where every actor is at the gate, finished, or waiting on
 * a row lock inside the server, it checks the invariants against the committed state and lets one
 * actor, chosen by a seeded generator, run its next statement. The same seed makes the same
 * choices, so a violation's schedule can be replayed.
 */
final class Scheduler implements AutoCloseable {

  /** An actor's body: production code, e.g. {@code enactor::applyOnce}. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  record Task(String name, Body body) {}

  /** Checks committed state; returns null when it holds, else what broke. */
  @FunctionalInterface
  interface Invariant {
    String check(Connection observer) throws SQLException;
  }

  /** One interleaving: its seed, how many statements were scheduled, the schedule, the verdict. */
  record Run(long seed, int steps, List<String> schedule, String violation, List<String> failures) {
    boolean violated() {
      return violation != null;
    }
  }

  private static final long QUIESCE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final StatementGate gate;
  private final GatedDataSource ds;
  private final Connection observer;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "interleave-actor");
            t.setDaemon(true);
            return t;
          });

  Scheduler(StatementGate gate, GatedDataSource ds, Connection observer) {
    this.gate = gate;
    this.ds = ds;
    this.observer = observer;
  }

  Run run(long seed, List<Task> tasks, List<Invariant> invariants) throws Exception {
    Random random = new Random(seed);
    List<Actor> actors = new ArrayList<>();
    for (Task t : tasks) {
      Actor a = new Actor(t.name());
      actors.add(a);
      threads.submit(
          () -> {
            gate.bind(a);
            try {
              t.body().run();
            } catch (Throwable e) {
              a.failure = e;
            } finally {
              gate.unbind();
            }
          });
    }
    List<String> schedule = new ArrayList<>();
    String violation = null;
    int steps = 0;
    Actor last = null;
    while (true) {
      awaitQuiescent(actors);
      if (last != null && last.state == State.IN_STATEMENT) {
        schedule.set(
            schedule.size() - 1, schedule.get(schedule.size() - 1) + "   [waits on a lock]");
      }
      if (violation == null) {
        violation = firstViolation(invariants, schedule);
      }
      List<Actor> ready = actors.stream().filter(a -> a.state == State.AT_GATE).toList();
      if (ready.isEmpty()) {
        if (actors.stream().allMatch(a -> a.state == State.DONE)) {
          break;
        }
        // Every live actor waits on a lock: a deadlock among them, which the server breaks.
        LockSupport.parkNanos(1_000_000);
        continue;
      }
      Actor next = ready.get(random.nextInt(ready.size()));
      schedule.add(next.name + ": " + abbreviate(next.pending));
      next.state = State.IN_STATEMENT;
      next.go.release();
      last = next;
      steps++;
    }
    List<String> failures = new ArrayList<>();
    for (Actor a : actors) {
      if (a.failure != null) {
        failures.add(a.name + ": " + a.failure);
      }
    }
    ds.recycle(actors);
    return new Run(seed, steps, schedule, violation, failures);
  }

  private String firstViolation(List<Invariant> invariants, List<String> schedule)
      throws SQLException {
    for (Invariant inv : invariants) {
      String broken = inv.check(observer);
      if (broken != null) {
        return broken + " (after step " + schedule.size() + ")";
      }
    }
    return null;
  }

  /**
   * Until no actor runs Java or a statement that is not waiting on a lock: then the committed state
   * is stable and exactly one actor moves next. Waiting on a lock is read from the server, so this
   * is a fact, not a timeout.
   */
  private void awaitQuiescent(List<Actor> actors) throws SQLException {
    long deadline = System.nanoTime() + QUIESCE_DEADLINE_NANOS;
    for (int round = 0; ; round++) {
      boolean running = false;
      Set<Long> inStatement = new HashSet<>();
      for (Actor a : actors) {
        State s = a.state;
        if (s == State.RUNNING) {
          running = true;
        } else if (s == State.IN_STATEMENT) {
          inStatement.addAll(a.pids);
        }
      }
      if (!running && inStatement.isEmpty()) {
        return;
      }
      if (!running && round > 10 && allWaitingOnLocks(actors)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "actors neither reached the gate nor waited on a lock in"
                + " 60 s: "
                + actors.stream().map(a -> a.name + "=" + a.state + " " + a.pending).toList());
      }
      LockSupport.parkNanos(round < 50 ? 20_000 : 200_000);
    }
  }

  /** Every actor inside a statement has a backend waiting on a lock. */
  private boolean allWaitingOnLocks(List<Actor> actors) throws SQLException {
    Set<Long> waiting = new HashSet<>();
    try (PreparedStatement ps =
            observer.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        waiting.add(rs.getLong(1));
      }
    }
    for (Actor a : actors) {
      State s = a.state;
      if (s == State.RUNNING
          || (s == State.IN_STATEMENT && a.pids.stream().noneMatch(waiting::contains))) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String sql) {
    String s = sql.replaceAll("\\s+", " ").trim();
    return s.length() <= 110 ? s : s.substring(0, 107) + "...";
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
