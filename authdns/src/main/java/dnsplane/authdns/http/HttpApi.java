package dnsplane.authdns.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * HttpApi is authdns's small HTTP side: {@code GET /health} (JSON, see {@link Health}) and {@code
 * GET /metrics} (Prometheus text). It runs on the JDK's HTTP server with one thread of its own, so
 * scrapes never run on the DNS event loops.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final HttpServer server;
  private final ExecutorService executor;
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
      Clock clock) {
    this.server = server;
    this.status = Objects.requireNonNull(status, "status");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "authdns-http");
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds {@code listen} (port 0 picks a free one) and starts serving. */
  public static HttpApi start(
      InetSocketAddress listen,
      Supplier<SyncStatus> status,
      SnapshotHolder holder,
      QueryMetrics metrics,
      Clock clock)
      throws IOException {
    HttpServer server = HttpServer.create(listen, 64);
    HttpApi api = new HttpApi(server, status, holder, metrics, clock);
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
      if (!path.equals("/health") && !path.equals("/metrics")) {
        send(ex, 404, "text/plain", "not found: " + path + " (try /health or /metrics)\n");
        return;
      }
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain", "method " + ex.getRequestMethod() + " not allowed\n");
        return;
      }
      ZoneSet zones = holder.get();
      SyncStatus s = status.get();
      if (path.equals("/health")) {
        Health h = Health.of(s, zones.zoneNames().size(), clock.instant());
        send(ex, h.httpStatus(), "application/json", h.json() + "\n");
      } else {
        StringBuilder out = new StringBuilder(4096);
        metrics.writePrometheus(out);
        SyncMetrics.write(out, s, zones.zoneNames().size(), records(zones), clock.instant());
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", out.toString());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("HTTP {} failed: {}", ex.getRequestURI(), e.toString());
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
