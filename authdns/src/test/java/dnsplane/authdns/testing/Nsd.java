package dnsplane.authdns.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nsd is a real NSD (Debian's /usr/sbin/nsd) run by a test on a loopback port, with every file it
 * keeps in the test's own folder. The server settings live here once, so each test only says which
 * zones NSD serves and how.
 */
public final class Nsd implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/nsd");

  private final Process process;
  private final InetSocketAddress address;
  private final Path log;

  private Nsd(Process process, InetSocketAddress address, Path log) {
    this.process = process;
    this.address = address;
    this.log = log;
  }

  /** Whether NSD is installed here (tests assume it, and skip naming the package otherwise). */
  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts NSD in the foreground on 127.0.0.1:{@code port}; {@code zoneLines} are the config's
   * {@code zone:} stanzas (zone file names are relative to {@code dir}).
   */
  public static Nsd start(Path dir, int port, int verbosity, List<String> zoneLines)
      throws IOException {
    List<String> conf =
        new ArrayList<>(
            List.of(
                "server:",
                "  ip-address: 127.0.0.1@" + port,
                "  server-count: 1",
                "  username: \"\"",
                "  chroot: \"\"",
                "  zonesdir: \"" + dir + "\"",
                "  database: \"\"",
                "  pidfile: \"" + dir.resolve("nsd.pid") + "\"",
                "  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"",
                "  xfrdir: \"" + dir + "\"",
                "  zonelistfile: \"" + dir.resolve("zone.list") + "\"",
                // Debian's default rate limiting would drop a test's repeated queries.
                "  rrl-ratelimit: 0",
                "  verbosity: " + verbosity,
                "remote-control:",
                "  control-enable: no"));
    conf.addAll(zoneLines);
    conf.add("");
    Path file = dir.resolve("nsd.conf");
    Files.writeString(file, String.join("\n", conf));
    Path log = dir.resolve("nsd.log");
    Process p =
        new ProcessBuilder(BINARY.toString(), "-d", "-c", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Nsd(p, new InetSocketAddress("127.0.0.1", port), log);
  }

  /** A port free for both UDP and TCP on 127.0.0.1 at this moment (NSD binds both). */
  public static int freePort() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int p = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", p))) {
          return p;
        } catch (IOException e) {
          // taken for UDP: try another
        }
      }
    }
    throw new IOException("no free port");
  }

  public InetSocketAddress address() {
    return address;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What NSD logged so far. */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
