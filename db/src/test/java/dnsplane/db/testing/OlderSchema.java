package dnsplane.db.testing;

import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A database at an older schema version beside a test's newest one, on the same server: for tests
 * that replay one script on both and compare what happened (a migration that must not change
 * meaning).
 */
public final class OlderSchema implements AutoCloseable {
  private final TestDb server;
  private final DbSettings settings;

  private OlderSchema(TestDb server, DbSettings settings) {
    this.server = server;
    this.settings = settings;
  }

  /** A new database on {@code server}'s server, migrated up to {@code version} only. */
  public static OlderSchema at(TestDb server, String version) throws SQLException {
    String name = "dnsplane_v" + version + "_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = server.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    DbSettings s = server.settings().withDatabase(name);
    Flyway.configure()
        .dataSource(s.jdbcUrl(), s.user(), s.password())
        .locations("classpath:db/migration")
        .target(version)
        .load()
        .migrate();
    return new OlderSchema(server, s);
  }

  public DbSettings settings() {
    return settings;
  }

  /** Drops the database. */
  @Override
  public void close() throws SQLException {
    try (Connection c = server.connect();
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE " + settings.databaseName() + " WITH (FORCE)");
    }
  }
}
