package dnsplane.planner.store;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.endpoint.EndpointRepository;
import dnsplane.db.micronaut.MicronautTransactions;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.TestSupport;
import io.micronaut.data.connection.exceptions.NoConnectionException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The planner's units of work run on Micronaut's transaction manager: a repository called inside
 * one joins it, a failure rolls back plain statements and repository writes together, deadlocks are
 * retried, and no statement runs outside a unit.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicronautTransactionsTest implements TestPropertyProvider {

  private final TestDb[] db = new TestDb[1];

  @Inject Transactions tx;
  @Inject EndpointRepository endpoints;
  @Inject DataSource pool;

  @Override
  public Map<String, String> getProperties() {
    return TestSupport.freshPlanner(db, Map.of());
  }

  @Test
  void theServiceRunsOnMicronautsTransactions() {
    assertInstanceOf(MicronautTransactions.class, tx);
  }

  @Test
  void aRepositoryJoinsTheUnitAndAFailureRollsBackBoth() throws Exception {
    exec(db[0], "INSERT INTO endpoint (name, zone_id) SELECT 'tx.aws.test.', id FROM zone");
    assertThrows(
        IllegalStateException.class,
        () ->
            tx.write(
                c -> {
                  exec(c, "UPDATE endpoint SET ttl = 99 WHERE name = 'tx.aws.test.'");
                  // The repository reads on the unit's connection: it sees the uncommitted TTL.
                  assertEquals(99, endpoints.findLive("tx.aws.test.").get(0).ttl());
                  assertEquals(1, endpoints.markDeleted("tx.aws.test.", Instant.now()));
                  throw new IllegalStateException("midway");
                }));
    assertEquals(60, longValue(db[0], "SELECT ttl FROM endpoint WHERE name = 'tx.aws.test.'"));
    assertEquals(
        0,
        longValue(
            db[0],
            "SELECT count(*) FROM endpoint WHERE name = 'tx.aws.test.' AND deleted_at IS NOT"
                + " NULL"));
  }

  @Test
  void aDeadlockIsRetriedAndOtherFailuresAreNot() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    int v =
        tx.write(
            c -> {
              if (attempts.incrementAndGet() < 3) {
                throw new SQLException("deadlock detected", "40P01");
              }
              return 7;
            });
    assertEquals(7, v);
    assertEquals(3, attempts.get());
    AtomicInteger once = new AtomicInteger();
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                tx.write(
                    c -> {
                      once.incrementAndGet();
                      throw new SQLException("check violation", "23514");
                    }));
    assertEquals("23514", e.getSQLState());
    assertEquals(1, once.get());
  }

  @Test
  void plainJdbcRunsOnlyInsideAUnitWhileARepositoryOpensItsOwn() {
    assertThrows(NoConnectionException.class, () -> pool.getConnection().isValid(1));
    assertTrue(endpoints.findLive("no.such.aws.test.").isEmpty());
  }
}
