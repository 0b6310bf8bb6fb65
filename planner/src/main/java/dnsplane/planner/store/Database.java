package dnsplane.planner.store;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Database runs units of plain JDBC work on the planner's pool, either in one transaction (rolled
 * back on any exception, including an {@code ApiException} thrown midway) or as plain reads.
 */
@Singleton
public final class Database {

  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;

  public Database(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public <T> T inTransaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (RuntimeException | SQLException | Error e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  public <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  /** DataAccessException wraps an SQLException that is the server's problem, not the client's. */
  public static final class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
