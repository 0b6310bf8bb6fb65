package dnsplane.enactor.interleave;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * GatedDataSource hands an actor's thread gated connections of its own (reused, so an actor needs
 * only a few server backends, whose pids the scheduler watches for lock waits); any other thread,
 * such as a test's set-up, gets a plain connection.
 */
final class GatedDataSource implements DataSource, AutoCloseable {

  private final DbSettings db;
  private final StatementGate gate;
  private final List<Connection> opened = new ArrayList<>();
  private final Deque<Connection> spare = new ArrayDeque<>();

  GatedDataSource(DbSettings db, StatementGate gate) {
    this.db = db;
    this.gate = gate;
  }

  @Override
  public Connection getConnection() throws SQLException {
    StatementGate.Actor a = gate.currentActor();
    if (a == null) {
      return DbBootstrap.connect(db);
    }
    Connection physical;
    synchronized (a.idle) {
      physical = a.idle.poll();
    }
    if (physical == null) {
      physical = spareOrNew();
      a.pids.add(pid(physical));
    }
    return gate.wrap(a, physical);
  }

  private Connection spareOrNew() throws SQLException {
    synchronized (opened) {
      Connection c = spare.poll();
      if (c != null) {
        return c;
      }
    }
    Connection c = DbBootstrap.connect(db);
    try (PreparedStatement ps = c.prepareStatement("SET deadlock_timeout = '20ms'")) {
      // Superuser only; without it a deadlock is still found, after the server's default 1 s.
      ps.execute();
    } catch (SQLException notAllowed) {
      c.setAutoCommit(true);
    }
    synchronized (opened) {
      opened.add(c);
    }
    return c;
  }

  /** Gives the connections of finished actors back for the next interleaving. */
  void recycle(List<StatementGate.Actor> actors) {
    synchronized (opened) {
      for (StatementGate.Actor a : actors) {
        synchronized (a.idle) {
          spare.addAll(a.idle);
          a.idle.clear();
        }
      }
    }
  }

  static long pid(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    synchronized (opened) {
      for (Connection c : opened) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already broken
        }
      }
      opened.clear();
      spare.clear();
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
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
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
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
