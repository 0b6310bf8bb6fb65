package dnsplane.enactor.api;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.Transactions;
import dnsplane.db.micronaut.MicronautTransactions;
import dnsplane.enactor.config.EnactorConfig;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;

/**
 * EnactorDatabase makes the enactor's database beans from the {@code enactor.db.*} properties (else
 * DNSPLANE_DB_*): its settings (the apply loop LISTENs on a connection of its own), its pool, and
 * the transactions everything runs on, Micronaut's, so the audit repository and the enactor's plain
 * statements share one transaction manager.
 */
@Factory
final class EnactorDatabase {

  /**
   * The pool this factory made. Micronaut Data replaces the bean with a proxy, on which
   * {@code @Bean(preDestroy = "close")} fails: the factory closes the pool itself instead.
   */
  private HikariDataSource pool;

  @Singleton
  DbSettings settings(
      @Nullable @Value("${enactor.db.url:}") String url,
      @Nullable @Value("${enactor.db.user:}") String user,
      @Nullable @Value("${enactor.db.password:}") String password) {
    return url == null || url.isBlank()
        ? DbSettings.fromEnv()
        : new DbSettings(url, user == null || user.isBlank() ? "postgres" : user, password);
  }

  @Singleton
  @Named("default")
  HikariDataSource pool(DbSettings settings, EnactorConfig config) {
    pool = DbBootstrap.pool(settings, "enactor-" + config.az(), 4);
    return pool;
  }

  @PreDestroy
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Singleton
  Transactions transactions(
      TransactionOperations<Connection> transactions,
      ConnectionOperations<Connection> connections) {
    return new MicronautTransactions(transactions, connections);
  }
}
