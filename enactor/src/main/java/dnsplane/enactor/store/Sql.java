package dnsplane.enactor.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Sql runs a unit of work in one transaction, retrying it when PostgreSQL reports a deadlock or a
 * serialization failure, and recognises the schema's refusals (the guard, the rdata CHECK) so
 * callers can count them per entry instead of failing the whole plan.
 */
public final class Sql {

  /** One unit of work on a connection inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** The schema's CHECK that A and AAAA rdata are addresses of their family. */
  static final String RDATA_CHECK = "rrset_address_rdata_valid";

  /** Attempts before a deadlock or serialization failure is given up on (each is rare). */
  static final int MAX_ATTEMPTS = 5;

  private Sql() {}

  public static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          if (e instanceof SQLException s && retryable(s) && attempt < MAX_ATTEMPTS) {
            continue;
          }
          throw e;
        }
      }
    }
  }

  /** Deadlock detected (40P01) or serialization failure (40001). */
  public static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state);
  }

  /**
   * True when the schema's guard refused: the non-empty trigger ("would publish no address") or
   * plan_delete_guard ("still applied to guarded endpoint").
   */
  public static boolean guardRefusal(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p) {
        ServerErrorMessage m = p.getServerErrorMessage();
        String hint = m == null ? null : m.getHint();
        if (hint != null && hint.startsWith("dnsplane ") && hint.endsWith(" guard")) {
          return true;
        }
      }
      String msg = t.getMessage();
      if (msg != null
          && (msg.contains("would publish no address") || msg.contains("still applied to guarded"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the schema's rdata CHECK refused an A or AAAA value that is not an address of that
   * family (23514 on {@code rrset_address_rdata_valid}): a legacy write of a malformed plan.
   */
  public static boolean invalidRdata(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && "23514".equals(p.getSQLState())) {
        ServerErrorMessage m = p.getServerErrorMessage();
        if (m != null && RDATA_CHECK.equals(m.getConstraint())) {
          return true;
        }
      }
      String msg = t.getMessage();
      if (msg != null && msg.contains("\"" + RDATA_CHECK + "\"")) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool will discard it.
    }
  }
}
