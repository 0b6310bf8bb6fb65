package dnsplane.enactor.apply;

import dnsplane.db.testing.TestDb;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Backends is a DataSource that opens a new connection per call and remembers each one's server
 * process id, so a test can ask PostgreSQL whether a component it runs is blocked on a lock ({@code
 * pg_stat_activity.wait_event_type = 'Lock'}) instead of guessing with a sleep.
 */
final class Backends implements DataSource {

  private final TestDb db;
  private final Set<Integer> pids = ConcurrentHashMap.newKeySet();

  Backends(TestDb db) {
    this.db = db;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = db.connect();
    pids.add(pid(c));
    return c;
  }

  static int pid(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** True while one of this source's connections waits for a lock another transaction holds. */
  boolean blockedOnALock() throws SQLException {
    return blockedStatement() != null;
  }

  /** The statement one of this source's connections is blocked on a lock in, or null. */
  String blockedStatement() throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT query FROM pg_stat_activity"
                    + " WHERE pid = ANY(?) AND wait_event_type = 'Lock' LIMIT 1")) {
      ps.setArray(1, c.createArrayOf("integer", pids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Override
  public Connection getConnection(String user, String password) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
