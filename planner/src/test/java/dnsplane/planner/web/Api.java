package dnsplane.planner.web;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Api is a small real-HTTP client for the planner under test. */
public final class Api {

  /** A status and a body. */
  public record Response(int status, String body) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final JsonMapper json;
  private final String token;

  public Api(URI base, JsonMapper json, String token) {
    this.base = base;
    this.json = json;
    this.token = token;
  }

  public JsonMapper json() {
    return json;
  }

  public Api withToken(String other) {
    return new Api(base, json, other);
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response put(String path, String body) {
    return send("PUT", path, body);
  }

  public Response post(String path) {
    return send("POST", path, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * Sends JSON (a mutating call always says {@code Content-Type: application/json}), with the token
   * if any.
   */
  public Response send(String method, String path, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (body != null || !method.equals("GET")) {
      headers.put("Content-Type", "application/json");
    }
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    return raw(method, path, body, headers);
  }

  /** Sends exactly these headers (and nothing else this client would add). */
  public Response raw(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public <T> T read(Response r, Class<T> type) {
    try {
      return json.readValue(r.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + r.body(), e);
    }
  }
}
