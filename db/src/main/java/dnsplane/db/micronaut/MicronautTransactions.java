package dnsplane.db.micronaut;

import dnsplane.db.Transactions;
import io.micronaut.data.connection.ConnectionDefinition;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.DefaultTransactionDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * MicronautTransactions runs units of work on Micronaut's transaction manager, so Micronaut Data
 * repositories called inside a unit run on its connection and commit or roll back with it. The
 * retry policy is {@link Transactions#retrying}, the same as on a plain pool.
 *
 * <p>In a Micronaut service the pool is wrapped so that a connection exists only inside such a
 * unit: plain {@code DataSource.getConnection()} fails there, which keeps every statement inside a
 * transaction the framework knows about.
 */
public final class MicronautTransactions implements Transactions {

  private static final TransactionDefinition SNAPSHOT = snapshotDefinition();

  private final TransactionOperations<Connection> transactions;
  private final ConnectionOperations<Connection> connections;

  public MicronautTransactions(
      TransactionOperations<Connection> transactions,
      ConnectionOperations<Connection> connections) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.connections = Objects.requireNonNull(connections, "connections");
  }

  @Override
  public <T> T write(Work<T> work) throws SQLException {
    return Transactions.retrying(
        () -> unwrap(() -> transactions.executeWrite(s -> run(work, s.getConnection()))));
  }

  @Override
  public <T> T read(Work<T> work) throws SQLException {
    return unwrap(
        () -> connections.execute(ConnectionDefinition.DEFAULT, s -> run(work, s.getConnection())));
  }

  @Override
  public <T> T snapshot(Work<T> work) throws SQLException {
    return unwrap(() -> transactions.execute(SNAPSHOT, s -> run(work, s.getConnection())));
  }

  private static TransactionDefinition snapshotDefinition() {
    DefaultTransactionDefinition d = new DefaultTransactionDefinition();
    d.setIsolationLevel(TransactionDefinition.Isolation.REPEATABLE_READ);
    d.setReadOnly(true);
    return d;
  }

  /** Carries an SQLException through Micronaut's callbacks, which take unchecked ones only. */
  private static final class SqlFailure extends RuntimeException {
    SqlFailure(SQLException cause) {
      super(cause);
    }
  }

  private static <T> T run(Work<T> work, Connection c) {
    try {
      return work.run(c);
    } catch (SQLException e) {
      // Unchecked, so the transaction manager rolls back.
      throw new SqlFailure(e);
    }
  }

  private interface Call<T> {
    T call();
  }

  private static <T> T unwrap(Call<T> call) throws SQLException {
    try {
      return call.call();
    } catch (SqlFailure f) {
      throw (SQLException) f.getCause();
    }
  }
}
