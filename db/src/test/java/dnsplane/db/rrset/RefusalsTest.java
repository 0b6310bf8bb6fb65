package dnsplane.db.rrset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

@RequiresPostgres
class RefusalsTest {

  @Test
  void theSchemaGuardsAreRecognisedFromTheDatabaseItself() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    SQLException refused =
        assertThrows(
            SQLException.class,
            () ->
                Transactions.over(db.dataSource())
                    .write(
                        c -> {
                          try (var st = c.createStatement()) {
                            st.execute("INSERT INTO zone (name) VALUES ('aws.test.')");
                            st.execute(
                                "INSERT INTO endpoint (name, zone_id) SELECT 'x.aws.test.', id FROM"
                                    + " zone");
                            st.execute(
                                "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id,"
                                    + " 'x.aws.test.', 'A', 60, '{}' FROM zone");
                          }
                          return null;
                        }));
    assertTrue(Refusals.guard(refused), refused.getMessage());
    assertFalse(Refusals.guard(new SQLException("syntax error", "42601")));
  }

  @Test
  void theRdataCheckIsRecognisedFromTheDatabaseItselfAndIsNoGuardRefusal() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    SQLException refused =
        assertThrows(
            SQLException.class,
            () ->
                Transactions.over(db.dataSource())
                    .write(
                        c -> {
                          try (var st = c.createStatement()) {
                            st.execute("INSERT INTO zone (name) VALUES ('aws.test.')");
                            st.execute(
                                "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id,"
                                    + " 'x.aws.test.', 'A', 60, '{192.0.2.010}' FROM zone");
                          }
                          return null;
                        }));
    assertTrue(Refusals.invalidRdata(refused), refused.getMessage());
    assertFalse(Refusals.guard(refused), refused.getMessage());
    assertFalse(Refusals.invalidRdata(new SQLException("check violation", "23514")));
  }
}
