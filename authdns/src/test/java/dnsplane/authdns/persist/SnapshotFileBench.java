package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * What the persisted snapshot costs at N names (deploy/bench/snapshot.sh runs it): the save (write
 * and fsyncs), the file size, and the read-and-check at start. One A record per name, as an
 * endpoint-heavy zone has.
 *
 * <p>usage: SnapshotFileBench N... (default 100000 1000000)
 */
public final class SnapshotFileBench {

  private SnapshotFileBench() {}

  public static void main(String[] args) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100_000, 1_000_000);
    }
    System.out.printf(
        "%10s %10s %10s %12s %12s%n", "names", "file MB", "bytes/name", "save ms", "restore ms");
    for (int n : sizes) {
      ZoneSet zones = zone(n);
      Path dir = Files.createTempDirectory("snapshot-bench-");
      try {
        SnapshotStore store = SnapshotStore.open(dir);
        SnapshotFile.Header h = new SnapshotFile.Header(n, Instant.now(), "bench");
        store.save(zones, h); // warm-up: JIT and page cache
        long t0 = System.nanoTime();
        long bytes = store.save(zones, h);
        long save = (System.nanoTime() - t0) / 1_000_000;
        store.load().orElseThrow(); // warm-up
        long t1 = System.nanoTime();
        SnapshotStore.Loaded back = store.load().orElseThrow();
        long restore = (System.nanoTime() - t1) / 1_000_000;
        if (back.contents().rrsets() != n + 3) {
          throw new IllegalStateException("read back " + back.contents().rrsets() + " rrsets");
        }
        System.out.printf(
            "%10d %10.1f %10.1f %12d %12d%n", n, bytes / 1e6, (double) bytes / n, save, restore);
      } finally {
        try (var files = Files.list(dir)) {
          for (Path p : files.toList()) {
            Files.delete(p);
          }
        }
        Files.delete(dir);
      }
    }
  }

  private static ZoneSet zone(int n) throws IOException {
    Name origin = Name.fromConstantString("bench.test.");
    Name ns = Name.fromConstantString("ns1.bench.test.");
    List<ZoneChange> changes = new ArrayList<>(n + 4);
    changes.add(new ZoneChange.ZoneCreated(origin, 1));
    changes.add(
        new ZoneChange.RrsetReplaced(
            origin,
            origin,
            Type.SOA,
            List.<Record>of(
                new SOARecord(
                    origin,
                    DClass.IN,
                    300,
                    ns,
                    Name.fromConstantString("h.bench.test."),
                    1,
                    7200,
                    3600,
                    1209600,
                    60)),
            1));
    changes.add(
        new ZoneChange.RrsetReplaced(
            origin, origin, Type.NS, List.<Record>of(new NSRecord(origin, DClass.IN, 300, ns)), 1));
    changes.add(
        new ZoneChange.RrsetReplaced(
            origin,
            ns,
            Type.A,
            List.<Record>of(
                new ARecord(
                    ns,
                    DClass.IN,
                    300,
                    java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}))),
            1));
    for (int i = 0; i < n; i++) {
      Name name = Name.fromString("ep" + i, origin);
      byte[] a = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      changes.add(
          new ZoneChange.RrsetReplaced(
              origin,
              name,
              Type.A,
              List.<Record>of(
                  new ARecord(name, DClass.IN, 60, java.net.InetAddress.getByAddress(a))),
              1));
    }
    return ZoneSet.build(changes);
  }
}
