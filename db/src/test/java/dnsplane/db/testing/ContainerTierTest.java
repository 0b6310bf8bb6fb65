package dnsplane.db.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The Testcontainers tier really starts a PostgreSQL container: on a machine with a local server
 * the fixture never reaches it, so it is exercised here directly. Without a Docker engine these
 * tests skip (with a line on stderr); with one, a container that does not start fails them.
 */
class ContainerTierTest {

  static final String NO_SUCH_IMAGE = "dnsplane-base/no-such-image:0";

  @Test
  void aContainerStartsMigratesAndIsGoneWhenClosed() throws Exception {
    String id;
    try (ContainerTier.Running pg = ContainerTier.startPostgresOrSkip()) {
      id = pg.containerId();
      System.err.println(
          "[ContainerTierTest] started " + pg + " in " + pg.startup().toMillis() + " ms");
      assertEquals("running", state(id), "container " + id);

      DbSettings db = pg.admin().withDatabase("dnsplane_container_tier");
      DbBootstrap.createIfMissing(db);
      assertTrue(DbBootstrap.migrate(db) > 0, "no migration applied");
      try (Connection c = DbBootstrap.connect(db)) {
        assertTrue(Sql.column(c, "SHOW server_version").get(0).startsWith("15."));
        assertEquals(0, Sql.longValue(c, "SELECT count(*) FROM zone"));
        assertEquals(0, Sql.longValue(c, "SELECT count(*) FROM rrset"));
        assertEquals(
            Sql.longValue(c, "SELECT count(*) FROM flyway_schema_history"),
            Sql.longValue(c, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        assertEquals(
            1,
            Sql.longValue(c, "SELECT count(*) FROM pg_roles WHERE rolname = 'dnsplane_reader'"),
            "V6's role is missing");
      }
      assertEquals(0, DbBootstrap.migrate(db), "a second migration found work to do");
    }
    assertEquals("gone", state(id), "container " + id + " after close()");
  }

  @Test
  void aContainerThatCannotStartIsAFailureNamingTheImageNotASkip() {
    ContainerTier.assumeDockerEngine();
    ContainerTier.StartFailure e =
        assertThrows(
            ContainerTier.StartFailure.class, () -> ContainerTier.startPostgres(NO_SUCH_IMAGE));
    assertEquals(NO_SUCH_IMAGE, e.image());
    assertTrue(e.getMessage().contains(NO_SUCH_IMAGE), e.getMessage());
  }

  @Test
  void theFixtureFallsBackToTheEmbeddedTierNamingTheImageAndTheReason() throws Exception {
    List<String> tried = new ArrayList<>();
    List<String> stderr = new ArrayList<>();
    TestPostgres.Found found =
        TestPostgres.containerThenEmbedded(
            NO_SUCH_IMAGE,
            tried,
            line -> {
              stderr.add(line);
              System.err.println(line);
            });

    assertNotNull(found, "neither tier gave a server: " + tried);
    assertTrue(found.source().startsWith("embedded"), found.source());
    assertEquals(1, stderr.size(), stderr.toString());
    String line = stderr.get(0);
    assertFalse(line.contains("\n"), line);
    assertTrue(line.contains(NO_SUCH_IMAGE), line);
    assertTrue(line.contains("Testcontainers"), line);
    assertEquals(1, tried.size(), tried.toString());
    assertTrue(tried.get(0).contains(NO_SUCH_IMAGE), tried.get(0));
    try (Connection c = DbBootstrap.connect(found.admin())) {
      assertTrue(c.isValid(3));
    }
  }

  /** The container's state as the engine says ("running", "exited"...), or "gone". */
  private static String state(String id) {
    try {
      return DockerClientFactory.instance()
          .client()
          .inspectContainerCmd(id)
          .exec()
          .getState()
          .getStatus();
    } catch (NotFoundException e) {
      return "gone";
    }
  }
}
