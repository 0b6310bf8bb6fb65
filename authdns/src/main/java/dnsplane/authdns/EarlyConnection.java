package dnsplane.authdns;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * EarlyConnection opens the follower's first PostgreSQL connection while the rest of {@code serve}
 * starts: the driver's first connection in a fresh JVM costs about a quarter of a second of cold
 * code, and parsing the command line and making the listeners need the same time on the other core.
 * The database comes from the environment alone, so {@code main} can start it before anything is
 * parsed. The follower takes it once ({@link #take}); a failure comes out there as the follower's
 * own connect would have failed, and it connects as usual from then on.
 */
final class EarlyConnection {

  private static FutureTask<Connection> pending;
  private static DbSettings target;

  private EarlyConnection() {}

  /** Starts connecting to {@code db} on a daemon thread of its own. */
  static synchronized void start(DbSettings db) {
    if (pending != null) {
      return;
    }
    FutureTask<Connection> task = new FutureTask<>(() -> DbBootstrap.connect(db));
    Thread t = new Thread(task, "db-connect-early");
    t.setDaemon(true);
    t.start();
    pending = task;
    target = db;
  }

  /**
   * The connection started for {@code db}, once (null when none was started for it, or it was
   * taken): waits for it, and throws what the attempt threw.
   */
  static Connection take(DbSettings db) throws SQLException, InterruptedException {
    FutureTask<Connection> task;
    synchronized (EarlyConnection.class) {
      if (pending == null || !db.equals(target)) {
        return null;
      }
      task = pending;
      pending = null;
      target = null;
    }
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw new SQLException("connecting: " + e.getCause(), e.getCause());
    }
  }
}
