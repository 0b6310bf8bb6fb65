package dnsplane.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Transactions runs units of JDBC work: in one transaction that is retried when PostgreSQL reports
 * a deadlock or a serialization failure, as plain reads, or in one consistent snapshot. It is the
 * one way the planner and the enactor begin a transaction. {@link #over} runs on a plain pool;
 * {@code dnsplane.db.micronaut.MicronautTransactions} runs on Micronaut's transaction manager, so
 * Micronaut Data repositories called inside a unit join its transaction.
 *
 * <p>A retried unit runs again from the start, so it must keep its effects inside the database (or
 * make them idempotent): everything it wrote was rolled back.
 */
public interface Transactions {

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** One attempt at a transaction, from begin to commit or rollback. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SQLException;
  }

  /** Attempts before a deadlock or serialization failure is given up on (each is rare). */
  int MAX_ATTEMPTS = 5;

  /** Transactions on a plain pool (no Micronaut context). */
  static Transactions over(DataSource dataSource) {
    return new JdbcTransactions(dataSource);
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction and commits; rolls back on any exception
   * (including an unchecked one thrown midway) and retries a deadlock or serialization failure.
   */
  <T> T write(Work<T> work) throws SQLException;

  /** Runs {@code work} on a connection in autocommit mode: each statement its own transaction. */
  <T> T read(Work<T> work) throws SQLException;

  /**
   * Runs {@code work} in one REPEATABLE READ snapshot that is rolled back afterwards: several reads
   * that must agree (a plan and its entries, never a plan deleted half-way through).
   */
  <T> T snapshot(Work<T> work) throws SQLException;

  /** Deadlock detected (40P01) or serialization failure (40001): the same work may succeed now. */
  static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state);
  }

  /** Runs {@code attempt} again after a retryable failure, {@link #MAX_ATTEMPTS} times at most. */
  static <T> T retrying(Attempt<T> attempt) throws SQLException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        if (!retryable(e) || n >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
