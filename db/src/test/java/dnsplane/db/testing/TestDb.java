package dnsplane.db.testing;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * TestDb is one fresh, migrated database of its own for one test class; {@code source} says which
 * tier of {@link TestPostgres} provided the server.
 */
public record TestDb(DbSettings settings, String source) {

  /** A new connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return DbBootstrap.connect(settings);
  }

  /** An unpooled DataSource on this database. */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(settings.jdbcUrl());
    ds.setUser(settings.user());
    ds.setPassword(settings.password());
    return ds;
  }

  /** The environment a dnsplane component reads its database from. */
  public Map<String, String> env() {
    return Map.of(
        "DNSPLANE_DB_URL", settings.jdbcUrl(),
        "DNSPLANE_DB_USER", settings.user(),
        "DNSPLANE_DB_PASSWORD", settings.password());
  }

  /** Micronaut datasource properties pointing at this database. */
  public Map<String, Object> micronautProperties() {
    return Map.of(
        "datasources.default.url", settings.jdbcUrl(),
        "datasources.default.username", settings.user(),
        "datasources.default.password", settings.password());
  }
}
