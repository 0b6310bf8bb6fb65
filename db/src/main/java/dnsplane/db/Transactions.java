package dnsplane.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Transactions runs units of JDBC work on a pool: in one transaction that is retried when
 * PostgreSQL reports a deadlock or a serialization failure, as plain reads, or in one consistent
 * snapshot. It is the one way the planner and the enactor begin a transaction.
 *
 * <p>A retried unit runs again from the start on a fresh connection, so it must keep its effects
 * inside the database (or make them idempotent): everything it wrote was rolled back.
 */
public final class Transactions {

  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Attempts before a deadlock or serialization failure is given up on (each is rare). */
  public static final int MAX_ATTEMPTS = 5;

  private final DataSource dataSource;

  public Transactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction and commits; rolls back on any exception
   * (including an unchecked one thrown midway) and retries a deadlock or serialization failure.
   */
  public <T> T write(Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(c);
          if (e instanceof SQLException s && retryable(s) && attempt < MAX_ATTEMPTS) {
            continue;
          }
          throw e;
        } finally {
          resetQuietly(c);
        }
      }
    }
  }

  /** Runs {@code work} in autocommit mode: each statement is its own transaction. */
  public <T> T read(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    }
  }

  /**
   * Runs {@code work} in one REPEATABLE READ snapshot that is rolled back afterwards: several reads
   * that must agree (a plan and its entries, never a plan deleted half-way through).
   */
  public <T> T snapshot(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        return work.run(c);
      } finally {
        rollbackQuietly(c);
        // The pool hands this connection on: whoever gets it next relies on READ COMMITTED.
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        resetQuietly(c);
      }
    }
  }

  /** Deadlock detected (40P01) or serialization failure (40001): the same work may succeed now. */
  public static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it.
    }
  }

  private static void resetQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // As above: a broken connection is not reused.
    }
  }
}
