package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * The planner's live console (/ui) in a real headless chromium against a private deploy/up stack
 * (own state folder, ports moved by DNSPLANE_PORT_OFFSET, the packaged jars with
 * DNSPLANE_BUILD=never): the endpoint rows are the planner's endpoints; a health flip made through
 * the page shows up as a new plan applied by every enactor and served by authdns; the October 2025
 * race (outage-demo legacy's schedule, enactor actions through the page) shows an empty authdns
 * answer on the timeline and a stuck enactor, and the page's repair clears both; a stopped planner
 * turns the connection indicator "lost", a restarted one "ok". Screenshots of each state go to
 * target/console/.
 *
 * <p>Fails, not skips, without chromium and chromedriver: .ci/run installs them.
 */
@RequiresPostgres
class ConsoleBrowserIT {

  private static final List<Integer> BASE_PORTS =
      List.of(1053, 1054, 1064, 8080, 8081, 8082, 8083, 8084, 8085, 8095);
  private static final List<String> AZS = List.of("az-a", "az-b", "az-c");
  private static final String EP = "dynamodb.us-east-1.aws.test.";
  private static final Duration SHORT = Duration.ofSeconds(20);
  private static final Duration LONG = Duration.ofSeconds(90);
  // outage-demo's defaults for the test (DNSPLANE_DEMO_DELAY, DNSPLANE_DEMO_KEEP, DEMO_TTL).
  private static final String DELAY = "8s";
  private static final int KEEP = 3;
  private static final int DEMO_TTL = 5;
  private static final Pattern STUCK_ENDPOINT = Pattern.compile("endpoint (\\S+) points at");

  private static final Json JSON = new Json();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;
  private Map<String, String> env;
  private int offset;
  private ConsolePage page;

  @BeforeEach
  void privateStack() throws Exception {
    assertTrue(
        Files.isExecutable(ConsolePage.CHROMIUM) && Files.isExecutable(ConsolePage.CHROMEDRIVER),
        "the console browser test needs chromium and chromedriver at "
            + ConsolePage.CHROMIUM
            + " and "
            + ConsolePage.CHROMEDRIVER
            + ": apt-get install -y chromium chromium-driver (.ci/run does), or set"
            + " DNSPLANE_CHROMIUM / DNSPLANE_CHROMEDRIVER");
    Assumptions.assumeTrue(Shell.has("dig"), "dig is missing (apt-get install -y bind9-dnsutils)");
    for (String m : List.of("authdns", "planner", "enactor", "resolver")) {
      Path jar = Shell.repoRoot().resolve(m + "/target/" + m + "-0.1.0-SNAPSHOT-all.jar");
      assertTrue(
          Files.isRegularFile(jar),
          jar + " is missing: run the reactor (mvn -B verify at the root), which packages it");
    }
    offset = Ports.freeOffset(BASE_PORTS);
    env = new HashMap<>();
    env.put("DNSPLANE_PORT_OFFSET", Integer.toString(offset));
    env.put("DNSPLANE_STATE_DIR", tmp.resolve("state").toString());
    env.put("DNSPLANE_LOG_DIR", tmp.resolve("logs").toString());
    env.put("DNSPLANE_BUILD", "never");
    env.put("DNSPLANE_UP_TIMEOUT", "120");
    for (String v :
        List.of(
            "DNSPLANE_DB",
            "DNSPLANE_API_TOKEN",
            "DNSPLANE_CONSOLE_AUTHDNS",
            "DNSPLANE_CONSOLE_RESOLVERS",
            "DNSPLANE_CONSOLE_ENACTORS")) {
      env.put(v, null);
    }
    TestDb db = TestPostgres.freshDatabase();
    env.putAll(db.env());

    Shell.Result up = Shell.run(List.of("deploy/up"), env, Duration.ofMinutes(4));
    assertEquals(0, up.exit(), "deploy/up failed:\n" + up + "\n" + logs());
    String url = "http://127.0.0.1:" + port(8081) + "/ui/";
    List<String> lines = up.output().strip().lines().toList();
    assertEquals("console: " + url, lines.get(lines.size() - 1), "up must end with the console");
    Shell.Result status = Shell.run(List.of("deploy/status"), env, Duration.ofMinutes(1));
    assertTrue(status.output().contains("console: " + url), status.toString());

    try {
      page = ConsolePage.open(url, Path.of("target/console"));
    } catch (RuntimeException e) {
      throw new AssertionError("chromium could not open " + url + ": " + e + "\n" + logs(), e);
    }
  }

  @AfterEach
  void alwaysDown() {
    try {
      if (page != null) {
        page.close();
      }
    } finally {
      if (env != null) { // null: the set-up failed before a stack was configured
        Shell.run(List.of("deploy/down"), env, Duration.ofMinutes(2));
      }
    }
  }

  @Test
  void theConsoleFollowsAFlipTheLegacyRaceAndItsRepair() throws Exception {
    // a. connected.
    page.await(SHORT, "#connection data-state ok", d -> "ok".equals(connection()));

    // b. one row per endpoint of the planner.
    List<String> names = new ArrayList<>();
    for (Map<String, Object> e : getList("/v1/endpoints")) {
      names.add((String) e.get("name"));
    }
    assertTrue(names.contains(EP), "the stack's endpoints: " + names);
    page.await(
        SHORT,
        "#endpoints rows = the planner's endpoints " + names,
        d ->
            sorted(page.attrs("#endpoints tr[data-endpoint]", "data-endpoint"))
                .equals(sorted(names)));
    awaitServed(EP);
    page.select("#endpoint-select", EP, SHORT);
    String flip = firstTarget(get("/v1/endpoints/" + enc(EP)));
    // Every control, the selected endpoint's health buttons and the dialog's inputs included.
    page.await(
        SHORT,
        "health buttons of " + EP + " in #detail",
        d -> page.present("#detail button[data-action=\"health\"][data-address=\"" + flip + "\"]"));
    List<String> unnamed = page.unnamedControls();
    assertTrue(unnamed.isEmpty(), "controls without an accessible name: " + unnamed);
    assertTrue(
        page.attrs("input, select, button", "id").size() >= 10,
        "fewer controls than the page has: " + page.summary());
    page.screenshot("healthy");

    // c. a health flip through the page, then back.
    long down = flipThroughPage(flip, false);
    Map<String, Object> plan = get("/v1/plans/" + down);
    assertFalse(addresses(plan, EP).contains(flip), "plan " + down + " still publishes " + flip);
    page.screenshot("after-flip");
    long back = flipThroughPage(flip, true);
    assertTrue(back > down, "flipping back wrote plan " + back + " after " + down);
    assertTrue(addresses(get("/v1/plans/" + back), EP).contains(flip), "plan " + back);

    // d. the legacy race, with its screenshots (e).
    legacyRaceAndRepair(flip);
  }

  @Test
  void theConnectionIsLostWhileThePlannerIsDownAndBackAfterUp() {
    page.await(SHORT, "#connection data-state ok", d -> "ok".equals(connection()));
    Shell.Result stop =
        Shell.run(
            List.of(
                "bash",
                "-c",
                "source deploy/lib/common.sh && source deploy/lib/stack.sh && dp_stop planner"),
            env,
            Duration.ofMinutes(1));
    assertEquals(0, stop.exit(), "could not stop the planner: " + stop);
    page.await(SHORT, "#connection data-state lost", d -> "lost".equals(connection()));
    page.screenshot("planner-down");

    Shell.Result up = Shell.run(List.of("deploy/up"), env, Duration.ofMinutes(4));
    assertEquals(0, up.exit(), up.toString());
    assertTrue(up.output().contains("starting planner"), "up must restart the planner:\n" + up);
    assertTrue(up.output().contains("authdns already running"), up.output());
    page.await(LONG, "#connection data-state ok again", d -> "ok".equals(connection()));
    page.await(
        SHORT,
        "rows again after the planner came back",
        d -> page.present("#endpoints tr[data-endpoint=\"" + EP + "\"]"));
  }

  // ---- c: a flip through the page ---------------------------------------------------------------

  /**
   * Reports {@code address}'s health through #detail's button and the confirmation dialog; returns
   * the plan it caused, once every enactor applied it and authdns serves it.
   */
  private long flipThroughPage(String address, boolean healthy) throws Exception {
    long before = latestGeneration();
    String button =
        "#detail button[data-action=\"health\"][data-address=\""
            + address
            + "\"][data-healthy=\""
            + healthy
            + "\"]";
    act(button, Map.of());
    String planCell = row(EP) + " td[data-col=\"plan\"]";
    long gen =
        page.await(
            SHORT,
            "a plan newer than " + before + " in " + planCell,
            d -> {
              Long g = number(page.text(planCell));
              return g != null && g > before ? g : null;
            });
    long latest = latestGeneration();
    assertTrue(latest >= gen, "the page shows plan " + gen + ", the planner's latest is " + latest);
    for (String az : AZS) {
      String cell = row(EP) + " td[data-col=\"applied-" + az + "\"]";
      page.await(
          LONG,
          az + " applied plan " + gen + " (" + cell + ")",
          d -> atLeast(page.text(cell), gen));
    }
    String auth = authCell();
    page.await(
        LONG,
        "authdns serves plan " + gen + " (" + auth + " data-plan-generation)",
        d -> atLeast(page.attr(auth, "data-plan-generation"), gen));
    return gen;
  }

  // ---- d: the race of October 2025 ------------------------------------------------------------

  /**
   * outage-demo legacy's schedule: database guard off (guarded false) and a short TTL; enactors in
   * legacy mode; az-a delayed on the endpoint, az-b and az-c paused; a health flip that az-a picks
   * up and stalls on; more than KEEP newer plans, ending healthy; az-b and az-c resumed, so they
   * apply the newest and clean up az-a's plan; az-a's late write of the deleted plan, which cleanup
   * then empties. Mode, pause, resume, delay, clear-faults and repair go through the page; health
   * and the endpoint's settings through the planner API, as the demo does.
   */
  private void legacyRaceAndRepair(String flip) throws Exception {
    Map<String, Object> original = get("/v1/endpoints/" + enc(EP));
    try {
      Map<String, Object> body = endpointBody(original);
      body.put("ttl", DEMO_TTL);
      body.put("guarded", false);
      planner("PUT", "/v1/endpoints/" + enc(EP), JSON.toJson(body));
      for (String a : targetAddresses(original)) {
        setHealth(a, true);
      }
      planner("POST", "/v1/plans", "");
      long base = latestGeneration();
      awaitApi(LONG, "every enactor applied plan " + base, () -> appliedEverywhere(base));

      for (String az : AZS) {
        act(enactorButton(az, "mode") + "[data-mode=\"legacy\"]", Map.of());
        page.await(SHORT, az + " shown in legacy mode", d -> "legacy".equals(field(az, "mode")));
      }
      act(enactorButton("az-b", "pause"), Map.of());
      act(enactorButton("az-c", "pause"), Map.of());
      act(enactorButton("az-a", "delay"), Map.of("confirm-endpoint", EP, "confirm-delay", DELAY));
      awaitApi(SHORT, "az-b and az-c paused", () -> paused("az-b") && paused("az-c"));
      page.await(
          SHORT,
          "az-a's delay fault shown",
          d -> Objects.toString(field("az-a", "faults"), "").contains(EP));

      setHealth(flip, false);
      long first =
          awaitApi(
              SHORT, "az-a holds a plan, waiting before " + EP, () -> waitingGeneration("az-a"));
      // An odd number of flips, more than KEEP, ending healthy: plan `first` becomes old enough for
      // cleanup.
      int flips = KEEP + 1;
      if (flips % 2 == 0) {
        flips++;
      }
      boolean healthy = false;
      for (int i = 0; i < flips; i++) {
        healthy = !healthy;
        setHealth(flip, healthy);
      }
      long newest = latestGeneration();
      assertTrue(newest - first >= KEEP, "plans " + first + ".." + newest);

      act(enactorButton("az-b", "resume"), Map.of());
      act(enactorButton("az-c", "resume"), Map.of());
      awaitApi(SHORT, "az-b applied plan " + newest, () -> applied("az-b") >= newest ? true : null);
      awaitApi(
          Duration.ofMinutes(2),
          "az-a's delay ends and it writes plan " + first,
          () -> !Objects.equals(waitingGenerationOrNull("az-a"), first) ? true : null);
      act(enactorButton("az-a", "clear-faults"), Map.of());

      String auth = authCell();
      page.await(
          LONG,
          "an empty authdns answer on the timeline and in " + auth,
          d ->
              page.present("#timeline [data-empty=\"authdns\"]")
                  && "0".equals(page.attr(auth, "data-count")));
      page.await(LONG, "a stuck enactor in #enactors", d -> anyStuckShown());
      assertTrue(AZS.stream().anyMatch(this::stuck), "the enactors' API says none is stuck");
      // The timeline tells the story: its series, and the legacy cleanup that emptied the rrsets
      // as an event marker and in the audit list.
      page.await(
          SHORT,
          "the timeline's series and the cleanup_clear event",
          d ->
              Stream.of(
                      "#timeline path[data-series=\"plan\"]",
                      "#timeline path[data-series=\"applied-az-a\"]",
                      "#timeline path[data-series=\"answer-authdns\"]",
                      "#timeline [data-event=\"cleanup_clear\"]",
                      "#timeline-events li[data-action=\"cleanup_clear\"]")
                  .allMatch(page::present));
      page.screenshot("outage");
      page.screenshot("outage-timeline", "#timeline-heading");

      repairThroughPage();
      page.await(
          LONG,
          "authdns answers " + EP + " again",
          d -> {
            Long n = number(page.attr(auth, "data-count"));
            return n != null && n > 0;
          });
      page.await(LONG, "no stuck enactor in #enactors", d -> !anyStuckShown());
      // Repairs select other endpoints; the timeline of the one that went empty is the story.
      page.select("#endpoint-select", EP, SHORT);
      page.await(
          SHORT,
          "the timeline of " + EP + " with its empty answer",
          d -> page.present("#timeline [data-empty=\"authdns\"]"));
      page.screenshot("repaired");
      page.screenshot("repaired-timeline", "#timeline-heading");
    } finally {
      restore(original);
    }
  }

  /**
   * A legacy stale write empties every endpoint it wrote, so, as outage-demo's repair_all does,
   * each endpoint a stuck enactor names is selected and repaired through the page until none is.
   */
  private void repairThroughPage() throws Exception {
    for (int i = 0; i < 10; i++) {
      String reason = null;
      for (String az : AZS) {
        Map<String, Object> s = status(az);
        if (Boolean.TRUE.equals(s.get("stuck"))) {
          reason = String.valueOf(s.get("stuckReason"));
          break;
        }
      }
      if (reason == null) {
        return;
      }
      Matcher m = STUCK_ENDPOINT.matcher(reason);
      String ep = m.find() ? m.group(1) : EP;
      page.select("#endpoint-select", ep, SHORT);
      act(enactorButton("az-a", "repair"), Map.of());
    }
    throw new AssertionError("enactors still stuck after 10 repairs through the page");
  }

  /** Back to normal through the APIs, whatever failed: safe, no faults, resumed, repaired. */
  private void restore(Map<String, Object> original) throws Exception {
    for (String az : AZS) {
      enactor(az, "DELETE", "/v1/faults", "");
      enactor(az, "PUT", "/v1/mode", "{\"mode\":\"safe\"}");
      enactor(az, "POST", "/v1/resume", "");
    }
    for (int i = 0; i < 10 && AZS.stream().anyMatch(this::stuck); i++) {
      for (String az : AZS) {
        Map<String, Object> s = status(az);
        if (Boolean.TRUE.equals(s.get("stuck"))) {
          Matcher m = STUCK_ENDPOINT.matcher(String.valueOf(s.get("stuckReason")));
          enactor(
              "az-a",
              "POST",
              "/v1/repair",
              JSON.toJson(Map.of("endpoint", m.find() ? m.group(1) : EP)));
        }
      }
    }
    planner("PUT", "/v1/endpoints/" + enc(EP), JSON.toJson(endpointBody(original)));
    for (String a : targetAddresses(original)) {
      setHealth(a, true);
    }
    planner("POST", "/v1/plans", "");
  }

  // ---- page helpers -----------------------------------------------------------------------------

  /**
   * Clicks an action button, fills the confirmation dialog's inputs (by id), confirms, and waits
   * for a fresh "ok" in #action-result (its previous outcome is cleared first).
   */
  private void act(String button, Map<String, String> inputs) {
    page.js(
        "const r = document.getElementById('action-result');"
            + " if (r) r.removeAttribute('data-outcome');");
    page.click(button, SHORT);
    page.await(
        SHORT, "dialog#confirm open after " + button, d -> page.present("dialog#confirm[open]"));
    inputs.forEach((id, value) -> page.type("dialog#confirm #" + id, value));
    page.click("#confirm-ok", SHORT);
    String outcome =
        page.await(
            SHORT,
            "#action-result after " + button,
            d -> {
              String o = page.attr("#action-result", "data-outcome");
              return o == null || o.isEmpty() ? null : o;
            });
    assertEquals(
        "ok", outcome, button + ": " + page.text("#action-result") + "\n" + page.summary());
  }

  private String connection() {
    return page.attr("#connection", "data-state");
  }

  private static String row(String endpoint) {
    return "#endpoints tr[data-endpoint=\"" + endpoint + "\"]";
  }

  private static String authCell() {
    return row(EP) + " td[data-col=\"answer-authdns\"]";
  }

  private static String enactorButton(String az, String action) {
    return "#enactors [data-az=\"" + az + "\"] button[data-action=\"" + action + "\"]";
  }

  private String field(String az, String name) {
    return page.text("#enactors [data-az=\"" + az + "\"] [data-field=\"" + name + "\"]");
  }

  /** Whether a card in #enactors marks its enactor stuck (data-stuck on its "stuck" field). */
  private boolean anyStuckShown() {
    return AZS.stream()
        .anyMatch(
            az ->
                "true"
                    .equals(
                        page.attr(
                            "#enactors [data-az=\"" + az + "\"] [data-field=\"stuck\"]",
                            "data-stuck")));
  }

  /** Waits until the page's authdns cell for {@code ep} has addresses. */
  private void awaitServed(String ep) {
    String cell = row(ep) + " td[data-col=\"answer-authdns\"]";
    page.await(
        LONG,
        ep + " answered by authdns (" + cell + ")",
        d -> {
          Long n = number(page.attr(cell, "data-count"));
          return n != null && n > 0;
        });
  }

  // ---- the APIs ---------------------------------------------------------------------------------

  private <T> T awaitApi(Duration limit, String what, Supplier<T> condition) {
    return new FluentWait<>(what)
        .withTimeout(limit)
        .pollingEvery(Duration.ofMillis(250))
        .ignoring(AssertionError.class)
        .withMessage(what)
        .until(w -> condition.get());
  }

  private Boolean appliedEverywhere(long gen) {
    return AZS.stream().allMatch(az -> applied(az) >= gen) ? true : null;
  }

  private long applied(String az) {
    Object g = status(az).get("lastAppliedGeneration");
    return g == null ? 0 : ((Number) g).longValue();
  }

  private boolean paused(String az) {
    return Boolean.TRUE.equals(status(az).get("paused"));
  }

  private boolean stuck(String az) {
    return Boolean.TRUE.equals(status(az).get("stuck"));
  }

  private Long waitingGeneration(String az) {
    return waitingGenerationOrNull(az);
  }

  @SuppressWarnings("unchecked")
  private Long waitingGenerationOrNull(String az) {
    Object w = status(az).get("waiting");
    if (!(w instanceof Map)) {
      return null;
    }
    Object g = ((Map<String, Object>) w).get("generation");
    return g == null ? null : ((Number) g).longValue();
  }

  private Map<String, Object> status(String az) {
    return JSON.toType(enactor(az, "GET", "/v1/status", null), Json.MAP_TYPE);
  }

  private long latestGeneration() {
    return ((Number) get("/v1/plans/latest").get("generation")).longValue();
  }

  private void setHealth(String address, boolean healthy) {
    planner(
        "PUT",
        "/v1/endpoints/" + enc(EP) + "/targets/" + enc(address) + "/health",
        "{\"healthy\":" + healthy + "}");
  }

  private Map<String, Object> get(String path) {
    return JSON.toType(planner("GET", path, null), Json.MAP_TYPE);
  }

  private List<Map<String, Object>> getList(String path) {
    return JSON.toType(planner("GET", path, null), Json.LIST_OF_MAPS_TYPE);
  }

  private String planner(String method, String path, String body) {
    return call(method, "http://127.0.0.1:" + port(8081) + path, body);
  }

  private String enactor(String az, String method, String path, String body) {
    int base = 8082 + AZS.indexOf(az);
    return call(method, "http://127.0.0.1:" + port(base) + path, body);
  }

  /**
   * One call to a control API, as the scripts make them (JSON, no foreign Origin); 4xx/5xx fail.
   */
  private static String call(String method, String url, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        throw new AssertionError(method + " " + url + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(method + " " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- JSON shapes ------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> targets(Map<String, Object> endpoint) {
    return (List<Map<String, Object>>) endpoint.get("targets");
  }

  private static List<String> targetAddresses(Map<String, Object> endpoint) {
    return targets(endpoint).stream().map(t -> (String) t.get("address")).toList();
  }

  private static String firstTarget(Map<String, Object> endpoint) {
    return targetAddresses(endpoint).get(0);
  }

  /** The PUT body that recreates {@code endpoint} as it is (outage-demo's ORIGINAL). */
  private static Map<String, Object> endpointBody(Map<String, Object> endpoint) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ttl", endpoint.get("ttl"));
    body.put("guarded", endpoint.get("guarded"));
    List<Map<String, Object>> ts = new ArrayList<>();
    for (Map<String, Object> t : targets(endpoint)) {
      Map<String, Object> one = new LinkedHashMap<>();
      for (String k : List.of("address", "weight", "az", "check")) {
        if (t.get(k) != null) {
          one.put(k, t.get(k));
        }
      }
      ts.add(one);
    }
    body.put("targets", ts);
    return body;
  }

  @SuppressWarnings("unchecked")
  private static List<String> addresses(Map<String, Object> plan, String endpoint) {
    for (Map<String, Object> e : (List<Map<String, Object>>) plan.get("entries")) {
      if (endpoint.equals(e.get("endpoint"))) {
        return ((List<Map<String, Object>>) e.get("addresses"))
            .stream().map(a -> (String) a.get("address")).toList();
      }
    }
    throw new AssertionError("no entry for " + endpoint + " in plan " + plan.get("generation"));
  }

  // ---- small things -----------------------------------------------------------------------------

  private static Long number(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = Pattern.compile("\\d+").matcher(text);
    return m.find() ? Long.valueOf(m.group()) : null;
  }

  private static boolean atLeast(String text, long gen) {
    Long n = number(text);
    return n != null && n >= gen;
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private int port(int base) {
    return base + offset;
  }

  private String logs() throws IOException {
    return Shell.lastLogLines(tmp.resolve("logs"), 30);
  }
}
