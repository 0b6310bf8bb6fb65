package dnsplane.planner.store;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.Transactions;
import dnsplane.db.micronaut.MicronautTransactions;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;

/**
 * DataSourceFactory builds the planner's connection pool from {@code datasources.default.*} (set by
 * {@code Application} from DNSPLANE_DB_*, and by tests from the fixture), falling back to the
 * environment. (Times the planner stores come from the database's clock, read by PlanWriter.)
 */
@Factory
final class DataSourceFactory {

  /**
   * The pool this factory made. Micronaut Data replaces the bean with a proxy, on which
   * {@code @Bean(preDestroy = "close")} fails: the factory closes the pool itself instead.
   */
  private HikariDataSource pool;

  @Singleton
  @Named("default")
  HikariDataSource dataSource(
      @Value("${datasources.default.url:}") String url,
      @Value("${datasources.default.username:}") String user,
      @Value("${datasources.default.password:}") String password,
      @Value("${dnsplane.planner.pool-size:8}") int poolSize) {
    DbSettings settings =
        url.isBlank()
            ? DbSettings.fromEnv()
            : new DbSettings(url, user.isBlank() ? "postgres" : user, password);
    pool = DbBootstrap.pool(settings, "planner", poolSize);
    // Hikari waits 30 s for a connection by default; a dead database should give a prompt 503.
    pool.setConnectionTimeout(5_000);
    return pool;
  }

  @PreDestroy
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  /**
   * The planner's transactions run on Micronaut's transaction manager, so repositories called in a
   * unit of work join it (and plain {@code getConnection()} on the pool, which Micronaut Data
   * wraps, works only inside one).
   */
  @Singleton
  Transactions transactions(
      TransactionOperations<Connection> transactions,
      ConnectionOperations<Connection> connections) {
    return new MicronautTransactions(transactions, connections);
  }
}
