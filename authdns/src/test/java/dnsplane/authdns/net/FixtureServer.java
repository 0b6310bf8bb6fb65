package dnsplane.authdns.net;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneFileChanges;
import dnsplane.authdns.zone.ZoneSet;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.xbill.DNS.Name;

/**
 * FixtureServer serves master files from memory for side-by-side comparisons with NSD, without a
 * database: {@code FixtureServer PORT ORIGIN=FILE...}. Prints "ready PORT", serves until killed.
 */
public final class FixtureServer {
  private FixtureServer() {}

  public static void main(String[] args) throws Exception {
    List<ZoneChange> changes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      Name origin = Name.fromString(kv[0], Name.root);
      changes.addAll(ZoneFileChanges.changes(Files.readString(Path.of(kv[1])), origin));
    }
    AuthDnsServer server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])),
            new SnapshotHolder(ZoneSet.empty().apply(changes)),
            new QueryMetrics());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("ready " + server.address().getPort());
    new CountDownLatch(1).await();
  }
}
