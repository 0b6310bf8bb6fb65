package dnsplane.enactor.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The enactor's admin API bodies through the real application (Micronaut, HTTP, the controller's
 * parsing, a fresh PostgreSQL database).
 *
 * <p>Input: byte 0 picks the call: PUT /v1/mode, PUT /v1/faults/delay, POST /v1/repair, or GET
 * /v1/audit with the body's first two lines as {@code limit} and {@code actor}. The rest is the
 * body, UTF-8.
 *
 * <p>Properties: never a 5xx; every 4xx is {@code {"error": "..."}} with a non-blank message; a 4xx
 * changes nothing: the mode, the faults, the audit log and the rrsets are as before.
 */
@RequiresPostgres
class EnactorBodyFuzzTest {
  private static final Pattern ERROR = Pattern.compile("^\\{\"error\":\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static Enactor enactor;

  private record Enactor(ApplicationContext ctx, TestDb db, URI base, HttpClient http) {}

  private static synchronized Enactor enactor() {
    if (enactor == null) {
      TestDb db = TestPostgres.freshDatabase();
      Map<String, Object> p = new HashMap<>();
      p.put("micronaut.server.port", "-1");
      p.put("enactor.az", "az-a");
      p.put("enactor.verify", "false");
      p.put("enactor.poll", "1h");
      p.put("enactor.db.url", db.settings().jdbcUrl());
      p.put("enactor.db.user", db.settings().user());
      p.put("enactor.db.password", db.settings().password());
      ApplicationContext ctx =
          ApplicationContext.run(EmbeddedServer.class, p).getApplicationContext();
      URI base = ctx.getBean(EmbeddedServer.class).getURI();
      enactor = new Enactor(ctx, db, base, HttpClient.newHttpClient());
    }
    return enactor;
  }

  @FuzzTest(maxDuration = "10m")
  void adminBody(byte[] data) {
    Loopback.allowOnly();
    if (data.length < 1) {
      return;
    }
    Enactor e = enactor();
    String body = new String(Arrays.copyOfRange(data, 1, data.length), StandardCharsets.UTF_8);
    String method;
    String path;
    switch ((data[0] & 0xFF) % 4) {
      case 0 -> {
        method = "PUT";
        path = "/v1/mode";
      }
      case 1 -> {
        method = "PUT";
        path = "/v1/faults/delay";
      }
      case 2 -> {
        method = "POST";
        path = "/v1/repair";
      }
      default -> {
        String[] lines = body.split("\n", 3);
        method = "GET";
        path =
            "/v1/audit?limit="
                + enc(lines[0])
                + (lines.length > 1 ? "&actor=" + enc(lines[1]) : "");
        body = null;
      }
    }
    String what = method + " " + path + " " + body;
    String before = snapshot(e);
    HttpResponse<String> r = send(e, method, path, body);
    int status = r.statusCode();
    if (status >= 500) {
      throw new AssertionError(what + ": " + status + " " + r.body());
    }
    if (status >= 400) {
      Matcher m = ERROR.matcher(r.body() == null ? "" : r.body());
      if (!m.find() || m.group(1).isBlank()) {
        throw new AssertionError(what + ": " + status + " without {\"error\": ...}: " + r.body());
      }
      String after = snapshot(e);
      if (!before.equals(after)) {
        throw new AssertionError(
            what
                + ": rejected with "
                + status
                + " but state changed:\n before "
                + before
                + "\n after  "
                + after);
      }
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> send(Enactor e, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(e.base().resolve(path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return e.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  /** Mode, faults (in memory, so through the API), audit log and rrsets: equal means unchanged. */
  private static String snapshot(Enactor e) {
    String status = send(e, "GET", "/v1/status", null).body();
    // The status document also carries timestamps and counters that move on their own; keep the
    // parts a request can change.
    String mode = field(status, "\"mode\":\"[^\"]*\"");
    String faults = field(status, "\"faults\":\\[[^\\]]*\\]");
    String paused = field(status, "\"paused\":[a-z]+");
    try (Connection c = e.db().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT concat_ws(' | ', (SELECT count(*) FROM audit_log), (SELECT"
                    + " string_agg(concat_ws(',', name, type, rdata::text, applied_generation), ';'"
                    + " ORDER BY name, type) FROM rrset), (SELECT string_agg(concat_ws(',', az,"
                    + " mode, last_applied_generation, stuck), ';' ORDER BY az) FROM"
                    + " enactor_status))")) {
      rs.next();
      return mode + " " + faults + " " + paused + " | " + rs.getString(1);
    } catch (SQLException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String field(String json, String regex) {
    Matcher m = Pattern.compile(regex).matcher(json == null ? "" : json);
    return m.find() ? m.group() : "(no " + regex + ")";
  }
}
