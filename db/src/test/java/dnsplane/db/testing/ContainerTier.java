package dnsplane.db.testing;

import static dnsplane.db.testing.DockerImages.ensureLocal;
import static dnsplane.db.testing.DockerImages.present;
import static dnsplane.db.testing.DockerImages.substituted;

import com.github.dockerjava.api.DockerClient;
import dnsplane.db.DbSettings;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * ContainerTier is the Testcontainers tier of {@link TestPostgres}: a PostgreSQL 15 container on
 * the machine's Docker engine. A class of its own so that it loads only if asked; tests that must
 * exercise it start one themselves ({@link #startPostgresOrSkip()}) and close it.
 *
 * <p>The image is {@code $DNSPLANE_TEST_PG_IMAGE} if set; else {@value #LOCAL_IMAGE} when the
 * engine has it (built from Debian packages by {@code deploy/docker/base-images}, for machines that
 * cannot reach Docker Hub); else {@value #ONLINE_IMAGE}. Images are had through {@link
 * DockerImages}, whose pulls are bounded.
 *
 * <p>Nothing may need the hub when the image is local, so the build turns Ryuk, the reaper
 * container, off ({@code TESTCONTAINERS_RYUK_DISABLED} in the root pom): each {@link Running} is
 * stopped by its test or by a shutdown hook. Where that variable is not set (a test run from an
 * IDE), Ryuk's image must be on the engine or pullable, else the start fails saying to set it.
 */
public final class ContainerTier {

  /** The environment variable that names the PostgreSQL image. */
  public static final String IMAGE_ENV = "DNSPLANE_TEST_PG_IMAGE";

  /** The locally built image, used when the engine has it. */
  public static final String LOCAL_IMAGE = "dnsplane-base/postgres:15";

  /** The image of the hub, used otherwise. */
  public static final String ONLINE_IMAGE = "postgres:15-alpine";

  /** From the container's creation until PostgreSQL has said twice that it accepts connections. */
  static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);

  private static final String PASSWORD = "dnsplane-test";

  private static TransportConfig engine;
  private static NoDockerEngine noEngine;

  private ContainerTier() {}

  /** No Docker engine answers: the tier does not apply here (tests of it skip, loudly). */
  public static final class NoDockerEngine extends IllegalStateException {
    NoDockerEngine(String reason, Throwable cause) {
      super("no Docker engine (" + reason + ")", cause);
    }
  }

  /** An engine answers but the container could not be had; the message names the image. */
  public static final class StartFailure extends IllegalStateException {
    private final String image;

    StartFailure(String image, Throwable cause) {
      super("postgres image " + image + ": " + oneLine(cause), cause);
      this.image = image;
    }

    public String image() {
      return image;
    }
  }

  /** A running PostgreSQL container; {@link #close()} stops and removes it (idempotent). */
  public static final class Running implements AutoCloseable {
    private final PostgreSQLContainer container;
    private final String image;
    private final Duration startup;
    private final DbSettings admin;
    private final Thread hook;
    private boolean closed;

    private Running(PostgreSQLContainer container, String image, Duration startup) {
      this.container = container;
      this.image = image;
      this.startup = startup;
      this.admin =
          new DbSettings(container.getJdbcUrl(), container.getUsername(), container.getPassword())
              .withDatabase("postgres");
      this.hook = new Thread(this::stop, "stop-postgres-container");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The superuser ({@code postgres}) on the maintenance database {@code postgres}. */
    public DbSettings admin() {
      return admin;
    }

    /** The image the container runs, as asked for. */
    public String image() {
      return image;
    }

    public String containerId() {
      return container.getContainerId();
    }

    /** From the start request until PostgreSQL accepted connections (pulls not included). */
    public Duration startup() {
      return startup;
    }

    @Override
    public void close() {
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        // The JVM is already shutting down; the hook has run or runs stop() again, harmlessly.
      }
    }

    private synchronized void stop() {
      if (!closed) {
        closed = true;
        container.stop();
      }
    }

    @Override
    public String toString() {
      return "container " + containerId() + " (" + image + ") at " + admin;
    }
  }

  /** {@link #startPostgres(String)} with the default image choice. */
  public static Running startPostgres() {
    return startPostgres(null);
  }

  /**
   * Starts a PostgreSQL container of {@code image} (null: the default choice). Throws {@link
   * NoDockerEngine} when no engine answers, {@link StartFailure} when one does but the container
   * cannot be had. The caller closes what it gets; a shutdown hook does otherwise.
   */
  public static synchronized Running startPostgres(String image) {
    TransportConfig transport = engine();
    String chosen = image;
    try {
      try (DockerClient docker = DockerClientProviderStrategy.getClientForConfig(transport)) {
        chosen = image != null ? image : defaultImage(docker);
        ensureLocal(docker, substituted(chosen));
        DockerImages.requireRyukImage(docker);
        DockerImages.standInForTinyImage(docker, chosen);
      }
      return run(chosen);
    } catch (IOException | RuntimeException e) {
      throw new StartFailure(chosen == null ? "(not chosen)" : chosen, e);
    }
  }

  /**
   * For tests that must run on a container: {@link #startPostgres(String)}, skipped (JUnit
   * assumption, and a line on stderr) when no Docker engine answers, or when none of the default
   * images is on the engine and none can be pulled (no Docker Hub, and deploy/docker/base-images
   * not run; .ci/run runs it). Any other failure is thrown: an engine that has the image but cannot
   * start the container is a defect to see, not a skip.
   */
  public static Running startPostgresOrSkip(String image) {
    assumeDockerEngine();
    try {
      return startPostgres(image);
    } catch (StartFailure e) {
      if (image == null && e.getCause() instanceof DockerImages.Unavailable) {
        skip(
            "no PostgreSQL image for the Testcontainers tier ("
                + e.getMessage()
                + "); build the local one with deploy/docker/base-images");
      }
      throw e;
    }
  }

  /**
   * Skips the calling test when no Docker engine answers: a JUnit assumption, and a line on stderr
   * so that the skip is seen in the build's output too.
   */
  public static void assumeDockerEngine() {
    try {
      engine();
    } catch (NoDockerEngine e) {
      skip("needs a Docker engine for the Testcontainers tier: " + e.getMessage());
    }
  }

  private static void skip(String reason) {
    String why = "SKIPPED: " + reason;
    System.err.println("[ContainerTier] " + why);
    Assumptions.abort(why);
  }

  /** {@link #startPostgresOrSkip(String)} with the default image choice. */
  public static Running startPostgresOrSkip() {
    return startPostgresOrSkip(null);
  }

  private static synchronized TransportConfig engine() {
    if (engine != null) {
      return engine;
    }
    if (noEngine != null) {
      throw noEngine;
    }
    try {
      // Finds and pings the engine; unlike DockerClientFactory.client() it starts nothing (Ryuk).
      engine = DockerClientFactory.instance().getTransportConfig();
      return engine;
    } catch (RuntimeException e) {
      noEngine = new NoDockerEngine(oneLine(e), e);
      throw noEngine;
    }
  }

  private static String defaultImage(DockerClient docker) {
    String fromEnv = System.getenv(IMAGE_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    return present(docker, substituted(LOCAL_IMAGE)) ? LOCAL_IMAGE : ONLINE_IMAGE;
  }

  private static PostgreSQLContainer newContainer(String image) {
    DockerImageName name = DockerImageName.parse(image).asCompatibleSubstituteFor("postgres");
    return new PostgreSQLContainer(name)
        .withUsername("postgres")
        .withPassword(PASSWORD)
        .withLabel("dnsplane.test", "container-tier")
        // Pulled above, within a bound; Testcontainers' own pull would retry for minutes.
        .withImagePullPolicy(any -> false)
        .withStartupTimeout(STARTUP_LIMIT);
  }

  private static Running run(String image) {
    PostgreSQLContainer pg = newContainer(image);
    long t0 = System.nanoTime();
    try {
      pg.start();
    } catch (RuntimeException e) {
      try {
        pg.stop();
      } catch (RuntimeException ignored) {
        // Nothing was created, or it is gone already; the start failure is what matters.
      }
      throw e;
    }
    Running running = new Running(pg, image, Duration.ofNanos(System.nanoTime() - t0));
    DbSettings admin = running.admin();
    String problem = connects(admin);
    if (problem != null) {
      running.close();
      throw new IllegalStateException(
          "the container started but " + admin + " does not answer: " + problem);
    }
    return running;
  }

  /** Null when a connection to {@code settings} works, else why not. */
  private static String connects(DbSettings settings) {
    Properties p = new Properties();
    p.setProperty("user", settings.user());
    p.setProperty("password", settings.password());
    p.setProperty("connectTimeout", "5");
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), p)) {
      return c.isValid(5) ? null : "connection not valid";
    } catch (SQLException e) {
      return oneLine(e);
    }
  }

  /** A throwable and its root cause on one line, for a log line or an assumption. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root != e) {
      text += " <- " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
    text = text.replaceAll("\\s+", " ").trim();
    return text.length() > 400 ? text.substring(0, 400) + "..." : text;
  }
}
