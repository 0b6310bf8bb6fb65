package dnsplane.planner.console;

import dnsplane.db.Names;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ConsoleController serves the live console: the page and its assets under {@code /ui}, bundled in
 * the jar, and its JSON under {@code /ui/api}. Actions are checked here and forwarded to the
 * enactor's admin API with the planner's token; the control-channel filter has already vetted the
 * caller (loopback and JSON without a token, the bearer token with one).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConsoleController {

  /** No inline script or style, nothing from elsewhere: the page is exactly the bundled files. */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private record Asset(byte[] bytes, String type) {}

  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.css", "text/css; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8");

  private final Map<String, Asset> assets = new LinkedHashMap<>();
  private final ConsoleService console;
  private final JsonMapper json;

  ConsoleController(ConsoleService console, JsonMapper json) {
    this.console = console;
    this.json = json;
    TYPES.forEach((name, type) -> assets.put(name, new Asset(read("/ui/" + name), type)));
  }

  /** Micronaut matches {@code /ui/} here too: a trailing slash is the same route. */
  @Get("/ui")
  HttpResponse<?> index() {
    return asset("index.html");
  }

  @Get("/ui/{name}")
  HttpResponse<?> asset(String name) {
    Asset a = assets.get(name);
    if (a == null) {
      return page(HttpResponse.notFound(error("no console asset " + name)));
    }
    return page(
        HttpResponse.ok(a.bytes())
            .contentType(a.type())
            // The page is small and changes with the jar: revalidate rather than serve an old one.
            .header("Cache-Control", "no-cache"));
  }

  /** The longest {@code ?q}: longer than any DNS name, so it could match nothing anyway. */
  static final int MAX_QUERY = 255;

  @Get("/ui/api/state")
  HttpResponse<?> state(@Nullable @QueryValue String q, @Nullable @QueryValue String selected) {
    String needle = q == null || q.isBlank() ? null : q.trim().toLowerCase(Locale.ROOT);
    if (needle != null && needle.length() > MAX_QUERY) {
      return api(
          HttpResponse.badRequest(
              error("q must be at most " + MAX_QUERY + " characters, got " + needle.length())));
    }
    String name = null;
    if (selected != null && !selected.isBlank()) {
      try {
        name = Names.canonical(selected);
      } catch (IllegalArgumentException e) {
        return api(HttpResponse.badRequest(error("selected: " + e.getMessage())));
      }
    }
    return api(HttpResponse.ok(console.state(needle, name)));
  }

  @Get("/ui/api/timeline")
  HttpResponse<?> timeline(
      @Nullable @QueryValue String endpoint, @Nullable @QueryValue String minutes) {
    if (endpoint == null || endpoint.isBlank()) {
      return api(HttpResponse.badRequest(error("endpoint is required: ?endpoint=NAME")));
    }
    String name;
    try {
      name = Names.canonical(endpoint);
    } catch (IllegalArgumentException e) {
      return api(HttpResponse.badRequest(error("endpoint: " + e.getMessage())));
    }
    long maxMinutes = Math.max(1, (console.settings().history().toSeconds() + 59) / 60);
    int m = 5;
    if (minutes != null) {
      try {
        m = Integer.parseInt(minutes.trim());
      } catch (NumberFormatException e) {
        m = -1;
      }
      if (m < 1 || m > maxMinutes) {
        return api(
            HttpResponse.badRequest(
                error(
                    "minutes must be a whole number from 1 to "
                        + maxMinutes
                        + ", got "
                        + minutes)));
      }
    }
    if (!console.knows(name)) {
      return api(HttpResponse.notFound(error("no endpoint " + name)));
    }
    return api(HttpResponse.ok(console.timeline(name, (int) Math.min(m, maxMinutes))));
  }

  @Post("/ui/api/enactors/{az}/{action}")
  @Consumes(MediaType.ALL)
  HttpResponse<?> action(String az, String action, @Nullable @Body String body) {
    if (console.enactor(az) == null) {
      return api(
          HttpResponse.notFound(
              error(
                  "no enactor "
                      + az
                      + " is configured (DNSPLANE_CONSOLE_ENACTORS: "
                      + String.join(", ", console.settings().enactors().keySet())
                      + ")")));
    }
    EnactorAction forward;
    try {
      forward = EnactorAction.of(action, parse(body));
    } catch (IllegalArgumentException e) {
      return api(HttpResponse.badRequest(error(e.getMessage())));
    }
    EnactorClient.Reply reply;
    try {
      reply = console.forward(az, forward);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      return api(
          HttpResponse.status(HttpStatus.BAD_GATEWAY)
              .body(
                  error("enactor " + az + " at " + console.enactor(az) + " unreachable: " + why)));
    }
    if (reply.status() >= 500) {
      return api(
          HttpResponse.status(HttpStatus.BAD_GATEWAY)
              .body(error("enactor " + az + " answered " + reply.status() + ": " + reply.body())));
    }
    // The enactor's own answer, 2xx or 4xx, as it sent it: its errors name the problem already.
    return api(
        HttpResponse.status(HttpStatus.valueOf(reply.status()))
            .contentType(MediaType.APPLICATION_JSON_TYPE)
            .body(reply.body() == null || reply.body().isEmpty() ? "{}" : reply.body()));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    Object v;
    try {
      v = json.readValue(body, Object.class);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("malformed JSON body: " + e.getMessage());
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }

  private static <T> MutableHttpResponse<T> page(MutableHttpResponse<T> r) {
    return r.header("Content-Security-Policy", CSP)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer");
  }

  private static <T> MutableHttpResponse<T> api(MutableHttpResponse<T> r) {
    return page(r).header("Cache-Control", "no-store");
  }

  private static byte[] read(String resource) {
    try (InputStream in = ConsoleController.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
