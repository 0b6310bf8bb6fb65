package dnsplane.db;

import static dnsplane.db.testing.Sql.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A read by key runs with sequential scans off, and nothing after it does. */
@RequiresPostgres
class IndexProbesTest {

  private final TestDb db = TestPostgres.freshDatabase();

  @Test
  void theReadIsPlannedWithoutSequentialScansAndTheSettingComesBack() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      String before = text(c, "SELECT current_setting('enable_seqscan') || current_setting('jit')");
      String during =
          IndexProbes.read(
              c,
              x -> text(x, "SELECT current_setting('enable_seqscan') || current_setting('jit')"));
      String plan =
          IndexProbes.read(
              c,
              x ->
                  text(
                      x,
                      "EXPLAIN SELECT * FROM endpoint WHERE name = ANY(ARRAY['a.test.',"
                          + " 'b.test.'])"));
      assertEquals("offoff", during);
      assertFalse(plan.startsWith("Seq Scan"), plan);
      assertEquals(
          before,
          text(c, "SELECT current_setting('enable_seqscan') || current_setting('jit')"),
          "restored within the transaction");
      c.commit();
    }
  }

  @Test
  void aFailedReadLeavesTheSettingToTheRollback() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      assertThrows(SQLException.class, () -> IndexProbes.read(c, x -> text(x, "SELECT 1 / 0")));
      c.rollback();
      assertEquals("on", text(c, "SHOW enable_seqscan"));
    }
  }
}
