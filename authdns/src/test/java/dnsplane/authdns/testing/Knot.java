package dnsplane.authdns.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Knot is a real Knot DNS (Debian's /usr/sbin/knotd) run by a test as a secondary on a loopback
 * port, in the foreground, with its configuration, journal, timers and zone files in the test's own
 * folder. As {@link Nsd}, the server settings live here once; a test says which zones Knot pulls
 * from which primary.
 */
public final class Knot implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/knotd");

  private final Process process;
  private final InetSocketAddress address;
  private final Path log;

  private Knot(Process process, InetSocketAddress address, Path log) {
    this.process = process;
    this.address = address;
    this.log = log;
  }

  /** Whether Knot is installed here (Debian package {@code knot}). */
  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts knotd on 127.0.0.1:{@code port} as a secondary of {@code primary} for {@code zones}: it
   * takes NOTIFY from and transfers (IXFR, AXFR when it has nothing) from {@code primary}, and lets
   * 127.0.0.1 transfer the zones from it (so a test can compare them). Its zone files are {@code
   * dir/ZONE.zone}, written only on demand, never automatically.
   */
  public static Knot secondary(Path dir, int port, InetSocketAddress primary, List<String> zones)
      throws IOException {
    List<String> conf =
        new ArrayList<>(
            List.of(
                "server:",
                "  rundir: \"" + dir + "\"",
                "  pidfile: \"" + dir.resolve("knot.pid") + "\"",
                "  listen: 127.0.0.1@" + port,
                "  udp-workers: 1",
                "  tcp-workers: 1",
                "  background-workers: 1",
                "database:",
                "  storage: \"" + dir + "\"",
                "control:",
                "  listen: \"" + dir.resolve("knot.sock") + "\"",
                "log:",
                "  - target: stderr",
                "    any: info",
                "remote:",
                "  - id: primary",
                "    address: " + primary.getAddress().getHostAddress() + "@" + primary.getPort(),
                "acl:",
                "  - id: notify_from_primary",
                "    address: " + primary.getAddress().getHostAddress(),
                "    action: notify",
                "  - id: transfer_to_loopback",
                "    address: 127.0.0.1",
                "    action: transfer",
                "template:",
                "  - id: default",
                "    storage: \"" + dir + "\"",
                "    file: \"%s.zone\"",
                // The zone file is not the point; the journal keeps what IXFR brought.
                "    zonefile-sync: -1",
                "    journal-content: changes",
                "    master: primary",
                "    acl: [notify_from_primary, transfer_to_loopback]",
                "zone:"));
    for (String z : zones) {
      conf.add("  - domain: " + z);
    }
    conf.add("");
    Path file = dir.resolve("knot.conf");
    Files.writeString(file, String.join("\n", conf));
    Path log = dir.resolve("knot.log");
    Process p =
        new ProcessBuilder(BINARY.toString(), "-c", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Knot(p, new InetSocketAddress("127.0.0.1", port), log);
  }

  public InetSocketAddress address() {
    return address;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What Knot logged so far. */
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
