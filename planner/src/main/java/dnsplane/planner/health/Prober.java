package dnsplane.planner.health;

import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.HostPort;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Prober performs one active health check: a TCP connect to {@code host:port}, or an HTTP GET of a
 * URL that must answer 2xx (redirects are not followed). It contacts only the configured check
 * address and never throws: any failure is an unhealthy result.
 */
@Singleton
public class Prober {

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** True when the check succeeded within {@code timeout}. */
  public boolean probe(HealthCheck check, Duration timeout) {
    try {
      switch (check.kind()) {
        case TCP:
          return tcp(HostPort.parse(check.address()), timeout);
        case HTTP:
          return http(URI.create(check.address()), timeout);
        default:
          throw new IllegalArgumentException("not an active check: " + check);
      }
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean tcp(HostPort target, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(target.host(), target.port()), (int) timeout.toMillis());
      return true;
    }
  }

  private boolean http(URI url, Duration timeout) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    return status >= 200 && status < 300;
  }
}
