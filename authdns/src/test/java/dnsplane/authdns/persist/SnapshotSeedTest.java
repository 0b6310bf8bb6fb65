package dnsplane.authdns.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.http.HttpApi;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * A fresh server's first copy from a peer: the peer's side ({@code GET /v1/snapshot} on a real
 * {@link HttpApi}) and the fetching side ({@link SnapshotSeed}) over real loopback sockets, with
 * the ways a peer can fail it: refusing, having no copy, sending a corrupt or a stalled one, being
 * down. Each failure gives no copy, never part of one, and the next peer is tried.
 */
class SnapshotSeedTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void aPeerSendsItsCopyWhichReadsBackAsSaved() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir);
    ZoneSet zones = SnapshotFileTest.zones();
    long bytes = store.save(zones, SnapshotFileTest.HEADER);
    URI peer = peer(store::current, a -> a.isLoopbackAddress());

    SnapshotSeed.Seeded seeded = SnapshotSeed.fetch(List.of(peer), DEADLINE).orElseThrow();

    assertEquals(bytes, seeded.bytes());
    assertEquals(peer, seeded.from());
    assertEquals(SnapshotFileTest.HEADER, seeded.contents().header());
    assertEquals(zones.zoneNames(), seeded.contents().zones().zoneNames());
    for (Name z : zones.zoneNames()) {
      assertEquals(
          SnapshotFileTest.wire(zones.records(z)),
          SnapshotFileTest.wire(seeded.contents().zones().records(z)),
          "records of " + z);
    }
  }

  @Test
  void aCopySentWhileNewerOnesAreSavedArrivesWholeAsItWas() throws IOException {
    // Larger than the loopback socket buffers, so most of it is still unsent when the saves come.
    StringBuilder zone = new StringBuilder("$ORIGIN example.org.\n$TTL 300\n");
    zone.append("@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\n");
    for (int i = 0; i < 200_000; i++) {
      zone.append('h').append(i).append(" A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    ZoneSet big = ZoneSet.fromMasterText(zone.toString(), SnapshotFileTest.ORG);
    SnapshotStore store = SnapshotStore.open(dir);
    SnapshotFile.Header first =
        new SnapshotFile.Header(1, java.time.Instant.parse("2026-11-30T00:00:00Z"), "db");
    long size = store.save(big, first);
    URI peer = peer(store::current, a -> true);

    HttpURLConnection http = (HttpURLConnection) peer.toURL().openConnection();
    assertEquals(200, http.getResponseCode());
    java.io.InputStream in = http.getInputStream();
    byte[] head = in.readNBytes(4096);
    // Two saves: the file being sent is renamed away, then unlinked, while it is read.
    ZoneSet small = SnapshotFileTest.zones();
    store.save(small, new SnapshotFile.Header(2, first.confirmedAt(), "db"));
    store.save(small, new SnapshotFile.Header(3, first.confirmedAt(), "db"));
    byte[] rest = in.readAllBytes();

    assertEquals(size, head.length + rest.length);
    java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
    whole.write(head);
    whole.write(rest);
    SnapshotFile.Contents sent =
        SnapshotFile.read(new java.io.ByteArrayInputStream(whole.toByteArray()));
    assertEquals(first, sent.header());
    assertEquals(200_003, sent.rrsets());
    assertEquals(
        3, SnapshotSeed.fetch(List.of(peer), DEADLINE).orElseThrow().contents().header().seq());
  }

  @Test
  void aClientOutsideTheTransferAclIsRefusedWithAReason() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir);
    store.save(SnapshotFileTest.zones(), SnapshotFileTest.HEADER);
    URI peer = peer(store::current, a -> false);

    HttpURLConnection http = (HttpURLConnection) peer.toURL().openConnection();
    assertEquals(403, http.getResponseCode());
    String why = new String(http.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(why.contains("--allow-transfer"), why);
    assertEquals(Optional.empty(), SnapshotSeed.fetch(List.of(peer), DEADLINE));
  }

  @Test
  void aPeerWithoutACopySays404() throws IOException {
    URI peer = peer(Optional::empty, a -> true);

    HttpURLConnection http = (HttpURLConnection) peer.toURL().openConnection();
    assertEquals(404, http.getResponseCode());
    assertEquals(Optional.empty(), SnapshotSeed.fetch(List.of(peer), DEADLINE));
  }

  @Test
  void aCorruptCopyIsRefusedAndTheNextPeerAsked() throws IOException {
    SnapshotStore good = SnapshotStore.open(dir.resolve("good"));
    good.save(SnapshotFileTest.zones(), SnapshotFileTest.HEADER);
    Path bad = dir.resolve("bad.bin");
    byte[] bytes = Files.readAllBytes(good.current().orElseThrow());
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(bad, bytes);
    URI corrupt = peer(() -> Optional.of(bad), a -> true);
    URI whole = peer(good::current, a -> true);

    SnapshotSeed.Seeded seeded =
        SnapshotSeed.fetch(List.of(corrupt, whole), DEADLINE).orElseThrow();

    assertEquals(whole, seeded.from());
    assertEquals(Optional.empty(), SnapshotSeed.fetch(List.of(corrupt), DEADLINE));
  }

  @Test
  void aPeerThatIsDownIsSkipped() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir);
    store.save(SnapshotFileTest.zones(), SnapshotFileTest.HEADER);
    URI down = downPeer();
    URI up = peer(store::current, a -> true);

    assertEquals(up, SnapshotSeed.fetch(List.of(down, up), DEADLINE).orElseThrow().from());
  }

  @Test
  void aTransferThatStallsIsCutAtTheDeadline() throws Exception {
    SnapshotStore store = SnapshotStore.open(dir);
    store.save(SnapshotFileTest.zones(), SnapshotFileTest.HEADER);
    byte[] copy = Files.readAllBytes(store.current().orElseThrow());
    // Announces the whole copy and sends half, then a byte every 100 ms: never stalled long enough
    // for a read to time out, and far too slow to finish within the deadline.
    ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(stalling);
    CountDownLatch sent = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try (Socket s = stalling.accept()) {
                java.io.BufferedReader request =
                    new java.io.BufferedReader(
                        new java.io.InputStreamReader(
                            s.getInputStream(), StandardCharsets.US_ASCII));
                for (String line = request.readLine();
                    line != null && !line.isEmpty();
                    line = request.readLine()) {
                  // the request's head, read before answering
                }
                OutputStream out = s.getOutputStream();
                out.write(
                    ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Length: "
                            + copy.length
                            + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(copy, 0, copy.length / 2);
                out.flush();
                sent.countDown();
                for (int i = copy.length / 2; i < copy.length; i++) {
                  Thread.sleep(100); // pacing a slow peer, not synchronization
                  out.write(copy[i]);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // The client gave up and closed: the test is over.
              }
            });
    t.setDaemon(true);
    t.start();
    URI peer = SnapshotSeed.parsePeers("127.0.0.1:" + stalling.getLocalPort()).get(0);

    Optional<SnapshotSeed.Seeded> seeded =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> SnapshotSeed.fetch(List.of(peer), Duration.ofSeconds(1)));

    assertEquals(Optional.empty(), seeded);
    assertEquals(0, sent.getCount(), "half the copy was sent before the stall");
  }

  @Test
  void peersAreHttpAddressesAndAnythingElseIsNamed() {
    assertEquals(
        List.of(
            URI.create("http://127.0.0.1:8080/v1/snapshot"),
            URI.create("http://[::1]:8080/v1/snapshot"),
            URI.create("https://peer.example:443/v1/snapshot")),
        SnapshotSeed.parsePeers("127.0.0.1:8080, http://[::1]:8080/ ,https://peer.example:443"));
    assertEquals(List.of(), SnapshotSeed.parsePeers(" "));
    for (String bad :
        List.of(
            "ftp://peer:21",
            "http://peer",
            "http://peer:8080/health",
            "http://user@peer:8080",
            "peer:8080?x=1",
            "http://peer:80 80")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SnapshotSeed.parsePeers(bad), bad);
      assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
    }
  }

  /** A real HttpApi on a free loopback port offering {@code copy} to {@code allowed}. */
  private URI peer(java.util.function.Supplier<Optional<Path>> copy, Predicate<InetAddress> allowed)
      throws IOException {
    SyncStatus status =
        new SyncStatus(true, true, 1, 1, java.time.Instant.now(), 0, 0, 0, List.of(), 0);
    HttpApi api =
        HttpApi.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> status,
            new SnapshotHolder(),
            new QueryMetrics(),
            Clock.systemUTC(),
            new HttpApi.SnapshotOffer(copy, allowed));
    open.add(api);
    return SnapshotSeed.parsePeers("127.0.0.1:" + api.address().getPort()).get(0);
  }

  /** The address of a loopback port nothing listens on (bound, then closed). */
  private static URI downPeer() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return SnapshotSeed.parsePeers("127.0.0.1:" + port).get(0);
  }
}
