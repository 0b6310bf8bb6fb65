package dnsplane.planner.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * FakeEnactor stands in for an enactor's admin API on 127.0.0.1: GET /v1/status answers a fixed
 * status; every other call is recorded and answered 200 with that status, or 400 for a repair of
 * {@code missing.aws.test.}.
 */
final class FakeEnactor implements AutoCloseable {

  /** One recorded call. */
  record Call(String method, String path, String body, String authorization, String contentType) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final String az;

  FakeEnactor(String az) throws IOException {
    this.az = az;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = ex.getRequestURI().getPath();
          int status = 200;
          String reply = status();
          if (!(ex.getRequestMethod().equals("GET") && path.equals("/v1/status"))) {
            calls.add(
                new Call(
                    ex.getRequestMethod(),
                    path,
                    body,
                    ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Content-Type")));
            if (path.equals("/v1/repair") && body.contains("missing.aws.test.")) {
              status = 400;
              reply = "{\"error\":\"endpoint missing.aws.test. is not in the newest plan 3\"}";
            }
          }
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private String status() {
    return "{\"az\":\""
        + az
        + "\",\"mode\":\"legacy\",\"lastAppliedGeneration\":7,\"stuck\":true,"
        + "\"stuckReason\":\"plan 5 was deleted\",\"paused\":false,"
        + "\"faults\":[{\"endpoint\":\"dynamodb.aws.test.\",\"delay\":\"PT20S\"}],"
        + "\"waiting\":{\"endpoint\":\"dynamodb.aws.test.\",\"generation\":4}}";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
