package dnsplane.planner.store;

import dnsplane.db.Transactions;
import jakarta.inject.Singleton;
import java.sql.SQLException;

/**
 * Database is the planner's door to db's {@link Transactions} (which retries deadlocks and
 * serialization failures): it turns an {@link SQLException} into a {@link DataAccessException},
 * which the web layer answers with 503, so services need not declare SQL in their signatures.
 */
@Singleton
public final class Database {

  private final Transactions tx;

  public Database(Transactions tx) {
    this.tx = tx;
  }

  /** One transaction; rolled back on any exception, including a refusal midway. */
  public <T> T inTransaction(Transactions.Work<T> work) {
    try {
      return tx.write(work);
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  public <T> T read(Transactions.Work<T> work) {
    try {
      return tx.read(work);
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
