package dnsplane.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DbBootstrap prepares the database every component starts with: it creates the database when it is
 * missing and migrates it with Flyway, so any component can be the first one started.
 */
public final class DbBootstrap {

  private static final Logger log = LoggerFactory.getLogger(DbBootstrap.class);
  private static final Pattern SAFE_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private DbBootstrap() {}

  /** Creates (if missing) and migrates the database; returns the number of migrations applied. */
  public static int prepare(DbSettings settings) {
    createIfMissing(settings);
    return migrate(settings);
  }

  public static void createIfMissing(DbSettings settings) {
    String name = settings.databaseName();
    if (!SAFE_IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "database name must match " + SAFE_IDENTIFIER.pattern() + ", got " + name);
    }
    DbSettings maintenance = settings.withDatabase("postgres");
    try (Connection c = connect(maintenance);
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
        log.info("created database {}", name);
      } catch (SQLException e) {
        // Another component may have created it between our check and our CREATE.
        if (!"42P04".equals(e.getSQLState())) {
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "cannot reach PostgreSQL at " + maintenance.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  public static int migrate(DbSettings settings) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
            .locations("classpath:db/migration")
            .load();
    int applied = flyway.migrate().migrationsExecuted;
    if (applied > 0) {
      log.info("applied {} migration(s) to {}", applied, settings.databaseName());
    }
    return applied;
  }

  /** A connection pool for a service; {@code name} shows up in Hikari's logs and metrics. */
  public static HikariDataSource pool(DbSettings settings, String name, int maxSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setPoolName(name);
    config.setMaximumPoolSize(maxSize);
    config.setMinimumIdle(1);
    // Fail fast at start when the database is down rather than hanging the service.
    config.setInitializationFailTimeout(10_000);
    return new HikariDataSource(config);
  }

  /**
   * A dedicated connection outside any pool (for LISTEN, which holds its connection forever). An
   * attempt to a server that accepts the connection and never answers (frozen, its disk stalled)
   * fails after {@value #LOGIN_TIMEOUT_SECONDS} s: the driver would otherwise wait for the login
   * without limit when TLS is off. The URL's own {@code loginTimeout} wins.
   */
  public static Connection connect(DbSettings settings) throws SQLException {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  /** How long {@link #connect} waits for a server to complete the login. */
  public static final int LOGIN_TIMEOUT_SECONDS = 10;
}
