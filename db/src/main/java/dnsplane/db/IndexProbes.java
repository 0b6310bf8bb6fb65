package dnsplane.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * IndexProbes runs a batch read by key with sequential scans and JIT off, then puts both back.
 *
 * <p>A writer reads the rows of its batch (1,000 keys) in every transaction. For {@code key =
 * ANY(?)} PostgreSQL's cost model prefers one scan of the whole table to 1,000 index probes, even
 * when the table holds 300,000 rows and the probes take a tenth of the time; and with statistics
 * gone stale while a plan fills the table, a join driven by the keys was planned as a nested loop
 * over sequential scans (seconds per batch). Each batch reading the whole table makes applying a
 * plan grow with the square of its size. With sequential scans disabled the planner is left with
 * the index plans whatever the statistics say. The setting is transaction-local, and is restored as
 * soon as the read returns so that nothing else in the transaction is planned under it.
 */
public final class IndexProbes {

  private IndexProbes() {}

  /**
   * Runs {@code read} on {@code c} (in a transaction) with enable_seqscan and jit off. If it fails,
   * the transaction is aborted and its rollback restores the settings.
   */
  public static <T> T read(Connection c, Transactions.Work<T> read) throws SQLException {
    String[] before = set(c, "off", "off");
    T out = read.run(c);
    set(c, before[0], before[1]);
    return out;
  }

  /** Sets enable_seqscan and jit for the rest of the transaction; returns what they were. */
  private static String[] set(Connection c, String seqscan, String jit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT current_setting('enable_seqscan'), current_setting('jit'),"
                + " set_config('enable_seqscan', ?, true), set_config('jit', ?, true)")) {
      ps.setString(1, seqscan);
      ps.setString(2, jit);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new String[] {rs.getString(1), rs.getString(2)};
      }
    }
  }
}
