package dnsplane.db.testing;

import dnsplane.db.DbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PrivateCluster is a PostgreSQL server of a test's own: initdb into a temporary directory, a
 * private port on 127.0.0.1, started and stopped (cleanly, or {@code immediate}: a crash) whenever
 * the test says. For tests of what happens while the database is down, which must not stop the
 * shared server every other test uses.
 *
 * <p>It uses the PostgreSQL binaries installed on the machine ({@code pg_config --bindir}, else the
 * newest {@code /usr/lib/postgresql/N/bin}). PostgreSQL refuses to run as root; as root the
 * commands run as the {@code postgres} user (runuser), which owns the directory.
 */
public final class PrivateCluster implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private PrivateCluster(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** Initializes (trust authentication, superuser postgres) and starts a new cluster. */
  public static PrivateCluster start() throws IOException, InterruptedException {
    Path bin = binaries();
    Path dir = Files.createTempDirectory("dnsplane-pg-");
    boolean root = "root".equals(System.getProperty("user.name"));
    PrivateCluster c = new PrivateCluster(bin, dir, freePort(), root);
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), 30);
    }
    c.pg(
        List.of(
            "initdb",
            "-D",
            c.data.toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync"),
        120);
    Files.writeString(
        c.data.resolve("postgresql.conf"),
        "\nlisten_addresses = '127.0.0.1'\nport = "
            + c.port
            + "\nunix_socket_directories = '"
            + dir
            + "'\nfsync = off\nmax_connections = 50\nshared_buffers = 32MB\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    c.startServer();
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "stop-private-cluster"));
    return c;
  }

  /**
   * A hot standby of this cluster, streaming from it (pg_basebackup -R), started and accepting
   * read-only connections.
   */
  public PrivateCluster startStandby() throws IOException, InterruptedException {
    Path standbyDir = Files.createTempDirectory("dnsplane-pg-standby-");
    if (asPostgres) {
      run(List.of("chown", "postgres:postgres", standbyDir.toString()), 30);
    }
    PrivateCluster s = new PrivateCluster(bin, standbyDir, freePort(), asPostgres);
    s.pg(
        List.of(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            "postgres",
            "-D",
            s.data.toString(),
            "-R",
            "-X",
            "stream",
            "--no-sync"),
        180);
    // The copy carries the primary's settings; later lines win.
    Files.writeString(
        s.data.resolve("postgresql.conf"),
        "\nport = "
            + s.port
            + "\nunix_socket_directories = '"
            + standbyDir
            + "'\nhot_standby = on\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    s.startServer();
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "stop-private-standby"));
    return s;
  }

  /** Settings for database {@code name} on this cluster (user postgres). */
  public DbSettings settings(String name) {
    return new DbSettings(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?connectTimeout=3", "postgres", "");
  }

  public int port() {
    return port;
  }

  /** The data directory (for pg_basebackup and friends). */
  public Path dataDirectory() {
    return data;
  }

  /** Starts the server (again) and waits until it accepts connections. */
  public void startServer() throws IOException, InterruptedException {
    pg(
        List.of(
            "pg_ctl",
            "-D",
            data.toString(),
            "-l",
            dir.resolve("log").toString(),
            "-w",
            "-t",
            "60",
            "start"),
        90);
  }

  /** Stops the server: {@code fast} (a clean stop) or {@code immediate} (as a crash). */
  public void stopServer(String mode) throws IOException, InterruptedException {
    pg(List.of("pg_ctl", "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop"), 90);
  }

  /** Stops the server if it runs and removes its directory. */
  @Override
  public void close() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        stopServer("immediate");
      }
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | InterruptedException | RuntimeException ignored) {
      // Best effort: a temporary directory and a server of this JVM's own.
    }
  }

  private void pg(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(bin.resolve(command.get(0)).toString());
    cmd.addAll(command.subList(1, command.size()));
    run(cmd, timeoutSeconds);
  }

  private static void run(List<String> cmd, int timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", cmd)
              + " failed ("
              + p.exitValue()
              + "): "
              + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static Path binaries() throws IOException {
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() == 0 && Files.isExecutable(Path.of(out, "initdb"))) {
        return Path.of(out);
      }
    } catch (IOException | InterruptedException e) {
      // No pg_config on the PATH (Debian puts the server binaries elsewhere): look there.
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        return versions
            .map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(
                Comparator.comparingInt(
                    b ->
                        Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
            .orElseThrow(() -> new IOException("no PostgreSQL server binaries (initdb) installed"));
      }
    }
    throw new IOException("no PostgreSQL server binaries (initdb): install postgresql");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
