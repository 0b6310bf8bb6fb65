package dnsplane.authdns.persist;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapshotSeed gets a fresh server its first snapshot from a running authdns ({@code --seed-from}):
 * the copy that peer keeps in its state directory, {@code GET /v1/snapshot} on its HTTP address.
 * The copy is checked whole, as a restart checks its own ({@link SnapshotFile#read}), before any of
 * it is served; then the follower resumes after the copy's position, or loads in full when the copy
 * came from another database. A server that starts this way answers without a full load from
 * PostgreSQL (a second of the database's CPU at a million rrsets, for every server that starts at
 * once), and while PostgreSQL is down.
 *
 * <p>Peers are tried in order; one that is down, refuses, is slower than the deadline or sends a
 * copy that does not check out is logged and the next tried. When none gives a copy, the server
 * starts as it would have without the flag.
 */
public final class SnapshotSeed {

  /** The path a peer offers its copy on. */
  public static final String PATH = "/v1/snapshot";

  private static final Logger log = LoggerFactory.getLogger(SnapshotSeed.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  // A peer that accepts the connection but does not answer, or stops sending, is as good as down.
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_ERROR_BODY = 200;

  /** A copy fetched and checked: its contents, the peer it came from, and its size. */
  public record Seeded(SnapshotFile.Contents contents, URI from, long bytes) {}

  private SnapshotSeed() {}

  /**
   * The peers of {@code text}, comma-separated: {@code http://HOST:PORT} (or {@code https://}), or
   * {@code HOST:PORT} for http. Empty text is no peers.
   *
   * @throws IllegalArgumentException naming the entry that is not such an address
   */
  public static List<URI> parsePeers(String text) {
    List<URI> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String spelled = p.contains("://") ? p : "http://" + p;
      URI uri;
      try {
        uri = new URI(spelled);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a peer address (http://HOST:PORT): " + p);
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getPort() < 0
          || !(path.isEmpty() || path.equals("/"))
          || uri.getQuery() != null
          || uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            "not a peer address (http://HOST:PORT, the peer's --http): " + p);
      }
      out.add(uri.resolve(PATH));
    }
    return List.copyOf(out);
  }

  /**
   * The first copy one of {@code peers} (each a {@code .../v1/snapshot} URI, see {@link
   * #parsePeers}) sends that checks out, each peer given {@code deadline} for the whole transfer;
   * empty when none does.
   */
  public static Optional<Seeded> fetch(List<URI> peers, Duration deadline) {
    for (URI peer : peers) {
      long start = System.nanoTime();
      try {
        Seeded s = fetchOne(peer, deadline);
        log.info(
            "seeded from {}: {} zones, {} rrsets, {} bytes at change {} in {} ms",
            peer,
            s.contents().zones().zoneCount(),
            s.contents().rrsets(),
            s.bytes(),
            s.contents().header().seq(),
            (System.nanoTime() - start) / 1_000_000);
        return Optional.of(s);
      } catch (SnapshotFile.CorruptSnapshotException e) {
        log.error(
            "refusing the snapshot copy from {}: {}; not serving any of it", peer, e.getMessage());
      } catch (IOException e) {
        log.warn("no snapshot copy from {}: {}", peer, e.toString());
      }
    }
    if (!peers.isEmpty()) {
      log.warn("no peer of {} gave a snapshot copy; loading from PostgreSQL", peers);
    }
    return Optional.empty();
  }

  // HttpURLConnection, not java.net.http: a blocking read of one fixed-length body straight off the
  // socket, and no client threads or module to start (a fifth of a second sooner to the first
  // answer at a million rrsets, against HttpClient's stream of buffers).
  private static Seeded fetchOne(URI peer, Duration deadline) throws IOException {
    HttpURLConnection http = (HttpURLConnection) peer.toURL().openConnection();
    http.setInstanceFollowRedirects(false);
    http.setUseCaches(false);
    http.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    http.setReadTimeout((int) Math.min(STALL_TIMEOUT.toMillis(), deadline.toMillis()));
    // Each read has the stall timeout; the whole transfer has the deadline, and one that is still
    // going when it runs out is cut: by the timer until the body starts, then by the reading thread
    // itself, between reads. Disconnecting from the timer thread while the body is being read
    // deadlocked on JDK 17: disconnect() waits for the stream's lock, which a read of a peer that
    // trickles its bytes takes again and again (SnapshotSeedTest.aTransferThatStallsIsCut...).
    long until = System.nanoTime() + deadline.toNanos();
    AtomicBoolean cut = new AtomicBoolean();
    AtomicBoolean reading = new AtomicBoolean();
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (!reading.getAndSet(true)) {
                cut.set(true);
                http.disconnect();
              }
            });
    try {
      int status = http.getResponseCode();
      if (status != 200) {
        InputStream err = http.getErrorStream();
        throw new IOException(
            "HTTP " + status + ": " + (err == null ? "(no message)" : errorText(err)));
      }
      InputStream in = http.getInputStream();
      if (reading.getAndSet(true)) {
        throw new IOException("cut"); // the timer disconnected first
      }
      try (Counting body = new Counting(in, until)) {
        SnapshotFile.Contents contents = SnapshotFile.read(body);
        return new Seeded(contents, peer, body.count);
      }
    } catch (IOException e) {
      if (cut.get() || System.nanoTime() - until > 0) {
        throw new IOException("transfer not done within " + deadline.toMillis() + " ms");
      }
      throw e;
    } finally {
      reading.set(true);
      http.disconnect();
    }
  }

  private static String errorText(InputStream in) throws IOException {
    String text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "(no message)" : text;
  }

  /** Counts the bytes read, and refuses to read on past {@code until} (System.nanoTime). */
  private static final class Counting extends FilterInputStream {
    private final long until;
    long count;

    Counting(InputStream in, long until) {
      super(in);
      this.until = until;
    }

    private void inTime() throws IOException {
      if (System.nanoTime() - until > 0) {
        throw new IOException("past the deadline");
      }
    }

    @Override
    public int read() throws IOException {
      inTime();
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      inTime();
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
