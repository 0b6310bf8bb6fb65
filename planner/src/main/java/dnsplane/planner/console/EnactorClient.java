package dnsplane.planner.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * EnactorClient talks to an enactor's admin API with the planner's token (the services share one).
 * Every call has a short timeout: a hung enactor must not hold a console thread.
 */
public final class EnactorClient {

  /** An enactor's reply: its status and body text. */
  public record Reply(int status, String body) {}

  private final HttpClient http;
  private final Duration timeout;
  private final String token;

  public EnactorClient(Duration timeout, String token) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.timeout = timeout;
    this.token = token == null ? "" : token.trim();
  }

  /**
   * Sends {@code method path} with {@code json} (null: no body) to the enactor at {@code base}.
   *
   * @throws IOException when the enactor cannot be reached or does not answer in time
   */
  public Reply send(URI base, String method, String path, String json) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    // Always JSON: without a token the enactor takes mutating calls only as application/json.
    b.header("Content-Type", "application/json");
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
