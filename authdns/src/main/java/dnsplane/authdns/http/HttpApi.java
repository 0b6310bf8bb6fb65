package dnsplane.authdns.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.persist.SnapshotSeed;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * HttpApi is authdns's small HTTP side: {@code GET /health} (JSON, see {@link Health}), {@code GET
 * /metrics} (Prometheus text) and {@code GET /v1/snapshot}, the copy of the snapshot this server
 * keeps in its state directory, for a peer starting with none ({@code --seed-from}). It runs on the
 * JDK's HTTP server with two threads of its own, so scrapes never run on the DNS event loops, and
 * one copy sent at a time leaves the other thread to health checks.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final String SNAPSHOT = SnapshotSeed.PATH;

  /**
   * What {@code GET /v1/snapshot} sends: the file of the current copy (empty: none kept), to the
   * clients {@code allowed} (a copy holds every zone, so the transfer ACL decides).
   */
  public record SnapshotOffer(Supplier<Optional<Path>> copy, Predicate<InetAddress> allowed) {
    /** Nothing offered: every request is refused. */
    public static final SnapshotOffer NONE = new SnapshotOffer(Optional::empty, a -> false);

    public SnapshotOffer {
      Objects.requireNonNull(copy, "copy");
      Objects.requireNonNull(allowed, "allowed");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final SnapshotOffer offer;
  private final Semaphore sending = new Semaphore(1);
  private final Supplier<SyncStatus> status;
  private final SnapshotHolder holder;
  private final QueryMetrics metrics;
  private final Clock clock;
  private WeakReference<ZoneSet> countedSet = new WeakReference<>(null);
  private long countedRecords;

  private HttpApi(
      HttpServer server,
      Supplier<SyncStatus> status,
      SnapshotHolder holder,
      QueryMetrics metrics,
      Clock clock,
      SnapshotOffer offer) {
    this.server = server;
    this.offer = Objects.requireNonNull(offer, "offer");
    this.status = Objects.requireNonNull(status, "status");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "authdns-http");
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds {@code listen} (port 0 picks a free one) and starts serving; no snapshot offered. */
  public static HttpApi start(
      InetSocketAddress listen,
      Supplier<SyncStatus> status,
      SnapshotHolder holder,
      QueryMetrics metrics,
      Clock clock)
      throws IOException {
    return start(listen, status, holder, metrics, clock, SnapshotOffer.NONE);
  }

  /** As above, offering the snapshot copy as {@code offer} says. */
  public static HttpApi start(
      InetSocketAddress listen,
      Supplier<SyncStatus> status,
      SnapshotHolder holder,
      QueryMetrics metrics,
      Clock clock,
      SnapshotOffer offer)
      throws IOException {
    HttpServer server = HttpServer.create(listen, 64);
    HttpApi api = new HttpApi(server, status, holder, metrics, clock, offer);
    server.createContext("/", api::handle);
    server.setExecutor(api.executor);
    server.start();
    return api;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!path.equals("/health") && !path.equals("/metrics") && !path.equals(SNAPSHOT)) {
        send(ex, 404, "text/plain", "not found: " + path + " (try /health or /metrics)\n");
        return;
      }
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain", "method " + ex.getRequestMethod() + " not allowed\n");
        return;
      }
      if (path.equals(SNAPSHOT)) {
        sendSnapshot(ex);
        return;
      }
      ZoneSet zones = holder.get();
      SyncStatus s = status.get();
      if (path.equals("/health")) {
        Health h = Health.of(s, zones.zoneCount(), clock.instant());
        send(ex, h.httpStatus(), "application/json", h.json() + "\n");
      } else {
        StringBuilder out = new StringBuilder(4096);
        metrics.writePrometheus(out);
        SyncMetrics.write(out, s, zones.zoneCount(), records(zones), clock.instant());
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", out.toString());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("HTTP {} failed: {}", ex.getRequestURI(), e.toString());
    }
  }

  private void sendSnapshot(HttpExchange ex) throws IOException {
    InetAddress client = ex.getRemoteAddress().getAddress();
    if (!offer.allowed().test(client)) {
      send(
          ex,
          403,
          "text/plain",
          "a snapshot holds every zone: "
              + client.getHostAddress()
              + " is not in this server's --allow-transfer (unsigned)\n");
      return;
    }
    Optional<Path> copy = offer.copy().get();
    if (copy.isEmpty()) {
      send(ex, 404, "text/plain", "no snapshot copy here (no --state-dir, or none saved yet)\n");
      return;
    }
    if (!sending.tryAcquire()) {
      ex.getResponseHeaders().set("Retry-After", "1");
      send(ex, 503, "text/plain", "sending another snapshot copy; try again\n");
      return;
    }
    try (FileChannel file = FileChannel.open(copy.get(), StandardOpenOption.READ)) {
      // The open file stays whole: a save renames a new copy over the path, never writes into it.
      long size = file.size();
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(200, head ? -1 : size);
      if (!head) {
        try (OutputStream os = ex.getResponseBody()) {
          Channels.newInputStream(file).transferTo(os);
        }
        log.info("sent the snapshot copy ({} bytes) to {}", size, client.getHostAddress());
      }
    } catch (java.nio.file.NoSuchFileException e) {
      send(ex, 404, "text/plain", "no snapshot copy here (none saved yet)\n");
    } finally {
      sending.release();
    }
  }

  /** Counted once per snapshot: a scrape must not walk 100,000 records every 15 seconds. */
  private synchronized long records(ZoneSet zones) {
    if (countedSet.get() != zones) {
      long n = 0;
      for (Name zone : zones.zoneNames()) {
        n += zones.recordCount(zone);
      }
      countedRecords = n;
      countedSet = new WeakReference<>(zones);
    }
    return countedRecords;
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    }
  }
}
