package dnsplane.resolver.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dnsplane.db.net.ControlChannelGuard;
import dnsplane.resolver.cache.GuardMemory;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * HttpApi serves {@code GET /health}, {@code GET /metrics} (Prometheus text) and {@code POST
 * /cache/flush[?name=N]} on the JDK HTTP server, on its own threads so it never competes with the
 * DNS event loop. The flush is a mutating call, guarded by {@link ControlChannelGuard} (token,
 * loopback, JSON, no foreign Origin); reads are open.
 *
 * <p>A flush of everything leaves the empty-answer guard's memory alone: it is the broad tool used
 * to clear bad state, and must not disarm the guard of every name at once. A flush of one name also
 * forgets that name in the guard's memory: the operator's way to make a real deletion take effect
 * at once, without waiting for guard-confirm.
 */
public final class HttpApi implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "resolver-http");
            t.setDaemon(true);
            return t;
          });

  public HttpApi(
      InetSocketAddress bind,
      String apiToken,
      Metrics metrics,
      ResponseCache cache,
      GuardMemory guardMemory,
      BooleanSupplier healthy)
      throws IOException {
    ControlChannelGuard guard = new ControlChannelGuard(apiToken);
    server = HttpServer.create(bind, 64);
    server.setExecutor(pool);
    server.createContext(
        "/health",
        ex -> {
          if (!method(ex, "GET")) {
            return;
          }
          boolean ok = healthy.getAsBoolean();
          send(
              ex,
              ok ? 200 : 503,
              "application/json",
              ok ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}");
        });
    server.createContext(
        "/metrics",
        ex -> {
          if (method(ex, "GET")) {
            send(ex, 200, "text/plain; version=0.0.4", metrics.prometheus());
          }
        });
    server.createContext(
        "/cache/flush",
        ex -> {
          if (!method(ex, "POST") || refused(guard, ex)) {
            return;
          }
          String name = param(ex.getRequestURI().getRawQuery(), "name");
          if (name == null) {
            send(ex, 200, "application/json", "{\"flushed\":" + cache.flushAll() + "}");
            return;
          }
          Name n;
          try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
          } catch (TextParseException e) {
            send(
                ex,
                400,
                "application/json",
                "{\"error\":\"name: not a domain name: " + json(name) + "\"}");
            return;
          }
          byte[] wire = n.toWireCanonical(); // canonical form is lower case, like the cache keys
          // the memory first: an empty answer applied in between then finds the cache entry still
          // there, and
          // the flush below removes what it kept; the other order could leave a kept entry behind
          guardMemory.forgetName(wire);
          send(
              ex,
              200,
              "application/json",
              "{\"name\":\""
                  + json(n.toString())
                  + "\",\"flushed\":"
                  + cache.flushName(wire)
                  + "}");
        });
  }

  public InetSocketAddress start() {
    server.start();
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private static boolean method(HttpExchange ex, String m) throws IOException {
    if (ex.getRequestMethod().equals(m)) {
      return true;
    }
    ex.getResponseHeaders().add("Allow", m);
    send(ex, 405, "application/json", "{\"error\":\"use " + m + "\"}");
    return false;
  }

  /** Answers the refusal when {@code guard} refuses the call; true then. */
  private static boolean refused(ControlChannelGuard guard, HttpExchange ex) throws IOException {
    var h = ex.getRequestHeaders();
    ControlChannelGuard.Refusal r =
        guard.check(
            new ControlChannelGuard.Call(
                ex.getRequestMethod(),
                h.getFirst("Host"),
                h.getFirst("Origin"),
                h.getFirst("Content-Type"),
                h.getFirst("Authorization"),
                ex.getRemoteAddress() == null ? null : ex.getRemoteAddress().getAddress()));
    if (r == null) {
      return false;
    }
    if (r.status() == 401) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
    }
    send(ex, r.status(), "application/json", "{\"error\":\"" + json(r.error()) + "\"}");
    return true;
  }

  static String param(String rawQuery, String key) {
    if (rawQuery == null) {
      return null;
    }
    for (String kv : rawQuery.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(key)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }
}
