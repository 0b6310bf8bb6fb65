package dnsplane.enactor.api;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.micronaut.MicronautTransactions;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.Sql;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The enactor's database beans: Micronaut's transactions on its pool, and the pool closed at stop.
 */
@RequiresPostgres
class EnactorDatabaseTest {

  @Test
  void theServiceRunsOnMicronautsTransactionsAndClosesItsPoolWhenItStops() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "enactor.az", "az-a",
                "enactor.db.url", db.settings().jdbcUrl(),
                "enactor.db.user", db.settings().user(),
                "enactor.db.password", db.settings().password()))) {
      Transactions tx = ctx.getBean(Transactions.class);
      assertInstanceOf(MicronautTransactions.class, tx);
      boolean valid = tx.read(c -> c.isValid(1));
      assertTrue(valid);
      assertTrue(connections(db) > 0, "the pool holds connections while the service runs");
    }
    Await.until(
        "the pool's connections to close", Duration.ofSeconds(20), () -> connections(db) == 0);
  }

  /** Connections to the test database other than the one asking. */
  static long connections(TestDb db) throws Exception {
    return Sql.longValue(
        db,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid()");
  }
}
