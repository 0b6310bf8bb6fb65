package dnsplane.enactor.apply;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EnactorLoop runs an {@link Enactor} on its own thread: it applies at start, then whenever the
 * planner NOTIFYs {@code dnsplane_plan} (on a dedicated connection, never a pooled one), and at
 * least every poll interval as a backstop for a lost notification or a dropped connection.
 */
public final class EnactorLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EnactorLoop.class);

  /** How long one getNotifications call blocks, so {@link #wake} and close are seen quickly. */
  private static final int SLICE_MILLIS = 100;

  private final Enactor enactor;
  private final DbSettings db;
  private final Duration poll;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean wakeRequested;

  public EnactorLoop(Enactor enactor, DbSettings db, Duration poll) {
    this.enactor = Objects.requireNonNull(enactor, "enactor");
    this.db = Objects.requireNonNull(db, "db");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.thread = new Thread(this::run, "enactor-" + enactor.az());
    this.thread.setDaemon(true);
  }

  public EnactorLoop start() {
    thread.start();
    return this;
  }

  /** Asks for an apply pass now (after resume or a mode switch). */
  public void wake() {
    wakeRequested = true;
  }

  private void run() {
    Connection listen = null;
    while (running) {
      try {
        if (listen == null || listen.isClosed()) {
          listen = DbBootstrap.connect(db);
          try (Statement st = listen.createStatement()) {
            st.execute("LISTEN dnsplane_plan");
          }
        }
        wakeRequested = false;
        enactor.applyOnce();
        awaitWake(listen.unwrap(PGConnection.class));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("{}: apply pass failed, retrying: {}", enactor.az(), e.toString());
        closeQuietly(listen);
        listen = null;
        pause(Duration.ofMillis(500));
      }
    }
    closeQuietly(listen);
  }

  private void awaitWake(PGConnection pg) throws SQLException {
    long end = System.nanoTime() + poll.toNanos();
    while (running && !wakeRequested && System.nanoTime() < end) {
      PGNotification[] n = pg.getNotifications(SLICE_MILLIS);
      if (n != null && n.length > 0) {
        return;
      }
    }
  }

  private void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (running && System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
    }
  }

  @Override
  public void close() {
    running = false;
    enactor.faults().release();
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Already broken; a new one is opened on the next pass.
      }
    }
  }
}
