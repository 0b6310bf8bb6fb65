package dnsplane.db.testing;

import dnsplane.db.DbSettings;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The Testcontainers tier of {@link TestPostgres}; a class of its own so it loads only if asked. */
final class ContainerTier {
  private ContainerTier() {}

  /** A running container's admin settings, or null when there is no Docker engine. */
  static DbSettings start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return null;
    }
    PostgreSQLContainer pg = new PostgreSQLContainer("postgres:15-alpine");
    pg.start();
    Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "stop-postgres-container"));
    return new DbSettings(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword())
        .withDatabase("postgres");
  }
}
