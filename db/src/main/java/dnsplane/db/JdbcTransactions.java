package dnsplane.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * JdbcTransactions runs units of work on a plain {@link DataSource}: authdns's tools, the enactor
 * core and tests, wherever no Micronaut context manages the connections.
 */
final class JdbcTransactions implements Transactions {

  private final DataSource dataSource;

  JdbcTransactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public <T> T write(Work<T> work) throws SQLException {
    return Transactions.retrying(() -> writeOnce(work));
  }

  private <T> T writeOnce(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        resetQuietly(c);
      }
    }
  }

  @Override
  public <T> T read(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    }
  }

  @Override
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
