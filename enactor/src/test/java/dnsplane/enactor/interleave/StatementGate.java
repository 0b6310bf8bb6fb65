package dnsplane.enactor.interleave;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * StatementGate makes production code run one SQL statement at a time under a scheduler's control.
 * Each actor (one thread running, say, {@code Enactor.applyOnce}) gets connections whose
 * statements, commits and rollbacks first wait at the gate until the scheduler lets that actor go;
 * the code itself is unchanged. Statements that touch only bookkeeping tables (audit, status) pass
 * without waiting: they take no lock another actor waits for, and gating them would only multiply
 * the interleavings without exploring anything new.
 */
final class StatementGate {

  /** Where an actor's thread is, as far as the scheduler cares. */
  enum State {
    /** Running Java between statements: the scheduler waits for it to reach the gate or finish. */
    RUNNING,
    /** Waiting at the gate with {@link Actor#pending} as its next statement. */
    AT_GATE,
    /** Let go: its statement runs on the server (and may wait there on a row lock). */
    IN_STATEMENT,
    DONE
  }

  /** Tables whose statements are interleaved; anything else passes straight through. */
  private static final Pattern SHARED =
      Pattern.compile(
          "\\b(rrset|plan|plan_entry|target|endpoint|zone|change_log|change_log_counter)\\b");

  /** One actor: a thread, its connections (with their server pids) and its place at the gate. */
  static final class Actor {
    final String name;
    final Set<Long> pids = ConcurrentHashMap.newKeySet();
    final Deque<Connection> idle = new ArrayDeque<>();
    final Semaphore go = new Semaphore(0);
    volatile State state = State.RUNNING;
    volatile String pending = "";
    volatile Throwable failure;

    Actor(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final ThreadLocal<Actor> current = new ThreadLocal<>();
  private final boolean poolResets;

  /**
   * @param poolResets whether a connection handed back is reset to READ COMMITTED, read-write, as
   *     HikariCP does; false hands it on as the last user left it, which a plain pool may do
   */
  StatementGate(boolean poolResets) {
    this.poolResets = poolResets;
  }

  /** Binds the calling thread to {@code a}: its connections are gated from now on. */
  void bind(Actor a) {
    current.set(a);
  }

  void unbind() {
    Actor a = current.get();
    if (a != null) {
      a.state = State.DONE;
    }
    current.remove();
  }

  Actor currentActor() {
    return current.get();
  }

  /** Wraps a physical connection of {@code a}; close() returns it to the actor's idle list. */
  Connection wrap(Actor a, Connection physical) {
    return (Connection)
        Proxy.newProxyInstance(
            StatementGate.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(a, physical));
  }

  private void enter(Actor a, String what) {
    a.pending = what;
    a.state = State.AT_GATE;
    a.go.acquireUninterruptibly();
    a.state = State.IN_STATEMENT;
  }

  private void leave(Actor a) {
    a.state = State.RUNNING;
  }

  private static boolean shared(String sql) {
    return sql != null && SHARED.matcher(sql.toLowerCase(Locale.ROOT)).find();
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Actor actor;
    private final Connection physical;

    ConnectionHandler(Actor actor, Connection physical) {
      this.actor = actor;
      this.physical = physical;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "close" -> {
          // Back to the state a pool (HikariCP, as in production) hands out.
          if (!physical.getAutoCommit()) {
            physical.rollback();
            physical.setAutoCommit(true);
          }
          if (poolResets) {
            physical.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            physical.setReadOnly(false);
          }
          synchronized (actor.idle) {
            actor.idle.push(physical);
          }
          return null;
        }
        case "isClosed" -> {
          return false;
        }
        case "commit", "rollback" -> {
          if (args == null || args.length == 0) {
            enter(actor, m.getName());
            try {
              return StatementGate.invoke(physical, m, args);
            } finally {
              leave(actor);
            }
          }
          return StatementGate.invoke(physical, m, args);
        }
        case "prepareStatement" -> {
          Object st = StatementGate.invoke(physical, m, args);
          return statementProxy(st, PreparedStatement.class, (String) args[0]);
        }
        case "prepareCall" -> {
          Object st = StatementGate.invoke(physical, m, args);
          return statementProxy(st, CallableStatement.class, (String) args[0]);
        }
        case "createStatement" -> {
          Object st = StatementGate.invoke(physical, m, args);
          return statementProxy(st, Statement.class, null);
        }
        default -> {
          return StatementGate.invoke(physical, m, args);
        }
      }
    }

    private Object statementProxy(Object st, Class<?> type, String preparedSql) {
      return Proxy.newProxyInstance(
          StatementGate.class.getClassLoader(),
          new Class<?>[] {type},
          (p, m, args) -> {
            String name = m.getName();
            boolean runs = name.startsWith("execute");
            String sql =
                args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
            if (!runs || !shared(sql)) {
              return StatementGate.invoke(st, m, args);
            }
            enter(actor, sql);
            try {
              return StatementGate.invoke(st, m, args);
            } finally {
              leave(actor);
            }
          });
    }
  }

  /** Thrown into the scheduler when an actor's code failed with something other than SQL. */
  static final class ActorFailure extends RuntimeException {
    ActorFailure(String actor, Throwable cause) {
      super(actor + " failed: " + cause, cause);
    }
  }

  static SQLException sqlCause(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }
}
