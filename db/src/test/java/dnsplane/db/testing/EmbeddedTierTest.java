package dnsplane.db.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The last-resort tier really starts a PostgreSQL: on a machine with a local server the fixture
 * never reaches it, so it is exercised here directly.
 */
class EmbeddedTierTest {

  @Test
  void embeddedPostgresStartsAndMigrates() throws Exception {
    DbSettings admin = EmbeddedTier.start();
    DbSettings db =
        admin.withDatabase(
            "dnsplane_" + UUID.randomUUID().toString().substring(0, 8).replace("-", ""));
    assertTrue(DbBootstrap.prepare(db) > 0);
    try (Connection c = DbBootstrap.connect(db)) {
      assertEquals(0, Sql.longValue(c, "SELECT count(*) FROM zone"));
      assertTrue(Sql.column(c, "SHOW server_version").get(0).startsWith("15."));
    }
  }
}
