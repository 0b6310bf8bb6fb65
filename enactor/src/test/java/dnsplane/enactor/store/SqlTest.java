package dnsplane.enactor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@RequiresPostgres
class SqlTest {

  @Test
  void deadlocksAndSerializationFailuresAreRetriedOthersAreNot() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    AtomicInteger attempts = new AtomicInteger();
    int v = Sql.inTransaction(db.dataSource(), c -> {
      if (attempts.incrementAndGet() < 3) {
        throw new SQLException("deadlock detected", attempts.get() == 1 ? "40P01" : "40001");
      }
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 42")) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertEquals(42, v);
    assertEquals(3, attempts.get());

    AtomicInteger once = new AtomicInteger();
    assertThrows(SQLException.class, () -> Sql.inTransaction(db.dataSource(), c -> {
      once.incrementAndGet();
      throw new SQLException("check violation", "23514");
    }));
    assertEquals(1, once.get());

    AtomicInteger forever = new AtomicInteger();
    assertThrows(SQLException.class, () -> Sql.inTransaction(db.dataSource(), c -> {
      forever.incrementAndGet();
      throw new SQLException("deadlock detected", "40P01");
    }));
    assertEquals(Sql.MAX_ATTEMPTS, forever.get());
  }

  @Test
  void theSchemaGuardsAreRecognisedFromTheDatabaseItself() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    SQLException refused = assertThrows(SQLException.class, () -> Sql.inTransaction(
        db.dataSource(), c -> {
          try (var st = c.createStatement()) {
            st.execute("INSERT INTO zone (name) VALUES ('aws.test.')");
            st.execute("INSERT INTO endpoint (name, zone_id) SELECT 'x.aws.test.', id FROM zone");
            st.execute("INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id,"
                + " 'x.aws.test.', 'A', 60, '{}' FROM zone");
          }
          return null;
        }));
    assertTrue(Sql.guardRefusal(refused), refused.getMessage());
    assertFalse(Sql.guardRefusal(new SQLException("syntax error", "42601")));
  }

  @Test
  void theRdataCheckIsRecognisedFromTheDatabaseItselfAndIsNoGuardRefusal() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    SQLException refused = assertThrows(SQLException.class, () -> Sql.inTransaction(
        db.dataSource(), c -> {
          try (var st = c.createStatement()) {
            st.execute("INSERT INTO zone (name) VALUES ('aws.test.')");
            st.execute("INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id,"
                + " 'x.aws.test.', 'A', 60, '{192.0.2.010}' FROM zone");
          }
          return null;
        }));
    assertTrue(Sql.invalidRdata(refused), refused.getMessage());
    assertFalse(Sql.guardRefusal(refused), refused.getMessage());
    assertFalse(Sql.invalidRdata(new SQLException("check violation", "23514")));
  }
}
