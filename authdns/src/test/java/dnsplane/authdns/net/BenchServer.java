package dnsplane.authdns.net;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.xbill.DNS.Name;

/**
 * BenchServer serves a generated zone of N names from memory, for dnsperf runs without a database:
 * {@code BenchServer PORT NAMES QUERYFILE}. It writes the dnsperf query file, prints "ready PORT"
 * and serves until killed.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    // Leak detection samples allocations; a benchmark (and production) does not want that cost.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 5300;
    int names = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path queries = Path.of(args.length > 2 ? args[2] : "target/bench-queries.txt");
    Name origin = Name.fromString("bench.test.");
    ZoneSet zones = ZoneSet.fromMasterText(zoneText(names), origin);
    writeQueries(queries, names);
    AuthDnsServer server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", port),
            new SnapshotHolder(zones),
            new QueryMetrics());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("ready " + server.address().getPort());
    new CountDownLatch(1).await();
  }

  /** The master-file text of the benchmark zone (also usable for NSD). */
  static String zoneText(int names) {
    StringBuilder sb = new StringBuilder(names * 40);
    sb.append("$ORIGIN bench.test.\n$TTL 300\n");
    sb.append("@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n");
    for (int i = 0; i < names; i++) {
      sb.append("h").append(i).append(" A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    return sb.toString();
  }

  private static void writeQueries(Path file, int names) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      for (int i = 0; i < names; i++) {
        w.println("h" + i + ".bench.test A");
      }
    }
  }
}
