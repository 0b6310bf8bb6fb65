package dnsplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@RequiresPostgres
class TransactionsTest {

  @Test
  void deadlocksAndSerializationFailuresAreRetriedOthersAreNot() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    AtomicInteger attempts = new AtomicInteger();
    int v =
        Transactions.over(db.dataSource())
            .write(
                c -> {
                  if (attempts.incrementAndGet() < 3) {
                    throw new SQLException(
                        "deadlock detected", attempts.get() == 1 ? "40P01" : "40001");
                  }
                  try (var st = c.createStatement();
                      var rs = st.executeQuery("SELECT 42")) {
                    rs.next();
                    return rs.getInt(1);
                  }
                });
    assertEquals(42, v);
    assertEquals(3, attempts.get());

    AtomicInteger once = new AtomicInteger();
    assertThrows(
        SQLException.class,
        () ->
            Transactions.over(db.dataSource())
                .write(
                    c -> {
                      once.incrementAndGet();
                      throw new SQLException("check violation", "23514");
                    }));
    assertEquals(1, once.get());

    AtomicInteger forever = new AtomicInteger();
    assertThrows(
        SQLException.class,
        () ->
            Transactions.over(db.dataSource())
                .write(
                    c -> {
                      forever.incrementAndGet();
                      throw new SQLException("deadlock detected", "40P01");
                    }));
    assertEquals(Transactions.MAX_ATTEMPTS, forever.get());
  }

  @Test
  void aFailedUnitLeavesNothingAndASnapshotHandsItsConnectionBackReadCommitted() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    // One connection, so the snapshot's connection is the one the next unit gets.
    try (var pool = dnsplane.db.DbBootstrap.pool(db.settings(), "tx-test", 1)) {
      Transactions tx = Transactions.over(pool);
      assertThrows(
          IllegalStateException.class,
          () ->
              tx.write(
                  c -> {
                    try (var st = c.createStatement()) {
                      st.execute("INSERT INTO zone (name) VALUES ('rolled.back.')");
                    }
                    throw new IllegalStateException("midway");
                  }));
      assertEquals(
          0L,
          (long)
              tx.read(
                  c ->
                      dnsplane.db.testing.Sql.longValue(
                          c, "SELECT count(*) FROM zone WHERE name = 'rolled.back.'")));
      assertEquals(42, (int) tx.snapshot(c -> 42));
      assertEquals(
          java.sql.Connection.TRANSACTION_READ_COMMITTED,
          (int) tx.read(java.sql.Connection::getTransactionIsolation));
      assertEquals(Boolean.TRUE, tx.read(java.sql.Connection::getAutoCommit));
    }
  }
}
