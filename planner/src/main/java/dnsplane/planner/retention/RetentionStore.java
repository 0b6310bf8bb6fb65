package dnsplane.planner.retention;

import dnsplane.db.Transactions;
import dnsplane.planner.store.Database;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * RetentionStore asks a pruned table the questions {@link RetentionPolicy} needs and carries out
 * its deletes. Every call is one short transaction of its own, so no lock outlives a batch. Every
 * statement is a range of the primary key; none reads or locks change_log_counter, which every
 * rrset writer holds {@code FOR UPDATE} until it commits.
 */
@Singleton
public final class RetentionStore {

  /**
   * How long a statement waits for a lock before giving up (the pass fails and the next one
   * retries). Pruning conflicts only with DDL (a migration, VACUUM FULL); it must never queue in
   * front of other sessions behind one.
   */
  static final String LOCK_TIMEOUT = "1s";

  /** A batch of 10,000 keys takes well under a second; this only stops a pathological one. */
  static final String STATEMENT_TIMEOUT = "60s";

  /** The oldest and newest key present. */
  public record Bounds(long oldest, long newest) {}

  private final Database db;

  public RetentionStore(Database db) {
    this.db = db;
  }

  /** The key bounds (two index lookups), or empty for an empty table. */
  public Optional<Bounds> bounds(PrunedTable t) {
    return inShortTransaction(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT min(" + t.key() + "), max(" + t.key() + ") FROM " + t.table())) {
            rs.next();
            long oldest = rs.getLong(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(new Bounds(oldest, rs.getLong(2)));
          }
        });
  }

  /** The database's clock: every planner measures ages by it, as plan writes do. */
  public Instant now() {
    return inShortTransaction(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
          }
        });
  }

  /**
   * The first key in {@code from..to} whose row is not older than {@code cut} (its time at or after
   * it). Scans at most {@code to - from + 1} keys of the primary key.
   */
  public OptionalLong firstNotOlder(PrunedTable t, long from, long to, Instant cut) {
    String sql =
        "SELECT min("
            + t.key()
            + ") FROM "
            + t.table()
            + " WHERE "
            + t.key()
            + " BETWEEN ? AND ? AND "
            + t.time()
            + " >= ?";
    return inShortTransaction(
        c -> {
          try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, from);
            st.setLong(2, to);
            st.setObject(3, OffsetDateTime.ofInstant(cut, ZoneOffset.UTC));
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              long k = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(k);
            }
          }
        });
  }

  /** Deletes keys {@code from..to}; returns the rows deleted. */
  public int delete(PrunedTable t, long from, long to) {
    String sql = "DELETE FROM " + t.table() + " WHERE " + t.key() + " BETWEEN ? AND ?";
    return inShortTransaction(
        c -> {
          try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, from);
            st.setLong(2, to);
            return st.executeUpdate();
          }
        });
  }

  /** The smallest key after {@code key}: skips a gap (audit_log ids) in one index lookup. */
  public OptionalLong nextKey(PrunedTable t, long key) {
    String sql = "SELECT min(" + t.key() + ") FROM " + t.table() + " WHERE " + t.key() + " > ?";
    return inShortTransaction(
        c -> {
          try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, key);
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              long k = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(k);
            }
          }
        });
  }

  private <T> T inShortTransaction(Transactions.Work<T> work) {
    return db.inTransaction(
        c -> {
          limitWaiting(c);
          return work.run(c);
        });
  }

  private static void limitWaiting(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      // SET LOCAL: the settings end with this transaction and never leak into the shared pool.
      st.execute(
          "SET LOCAL lock_timeout = '"
              + LOCK_TIMEOUT
              + "'; SET LOCAL statement_timeout = '"
              + STATEMENT_TIMEOUT
              + "'");
    }
  }
}
