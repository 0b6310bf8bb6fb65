package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/up → dig through authdns and the resolver → deploy/status → a second deploy/up (harmless)
 * → deploy/down, with a private state folder and ports moved by DNSPLANE_PORT_OFFSET, so it cannot
 * collide with a developer's running stack: once on a throwaway database (DNSPLANE_DB_URL), once on
 * the embedded PostgreSQL whose data must survive down/up; and both outage demos that run as one
 * command (legacy, family) on a stack of their own. Runs the jars the reactor packaged
 * (DNSPLANE_BUILD=never), hence a failsafe test after {@code package}.
 */
@RequiresPostgres
class StackEndToEndIT {

  private static final List<Integer> BASE_PORTS =
      List.of(1053, 1054, 1064, 8080, 8081, 8082, 8083, 8084, 8085, 8095);
  private static final String ENDPOINT = "dynamodb.us-east-1.aws.test.";
  private static final String FAMILY_ENDPOINT = "dualstack.us-east-1.aws.test.";
  private static final List<String> DEMO_ADDRESSES =
      List.of("192.0.2.10", "198.51.100.10", "203.0.113.10");

  @TempDir Path tmp;
  private Map<String, String> env;
  private int offset;

  @BeforeEach
  void privateStack() {
    Assumptions.assumeTrue(Shell.has("dig"), "dig is missing (apt-get install -y bind9-dnsutils)");
    for (String m : List.of("authdns", "planner", "enactor", "resolver", "deploy")) {
      Path jar = Shell.repoRoot().resolve(m + "/target/" + m + "-0.1.0-SNAPSHOT-all.jar");
      assertTrue(
          Files.isRegularFile(jar),
          jar
              + " is missing: run the reactor (mvn -B verify at the root), which packages it"
              + " first");
    }
    offset = Ports.freeOffset(BASE_PORTS);
    env = new HashMap<>();
    env.put("DNSPLANE_PORT_OFFSET", Integer.toString(offset));
    env.put("DNSPLANE_STATE_DIR", tmp.resolve("state").toString());
    env.put("DNSPLANE_LOG_DIR", tmp.resolve("logs").toString());
    env.put("DNSPLANE_BUILD", "never");
    env.put("DNSPLANE_UP_TIMEOUT", "120");
    env.put("DNSPLANE_DB", null);
    env.put("DNSPLANE_DB_URL", null);
    env.put("DNSPLANE_DB_USER", null);
    env.put("DNSPLANE_DB_PASSWORD", null);
  }

  @AfterEach
  void alwaysDown() {
    Shell.run(List.of("deploy/down"), env, Duration.ofMinutes(2));
  }

  @Test
  void upServesDnsStatusReportsAndDownLeavesNoProcess() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    env.putAll(db.env());
    Map<String, Long> pids = upAndCheck(6);

    Shell.Result again = Shell.run(List.of("deploy/up"), env, Duration.ofMinutes(2));
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.output().contains("already running"), again.output());
    assertTrue(again.output().contains("not re-importing"), again.output());
    assertEquals(pids, pids(), "a second deploy/up must not start new processes");

    downAndCheck(pids);
  }

  @Test
  void embeddedPostgresRunsTheStackAndKeepsItsDataAcrossDownAndUp() throws Exception {
    int pgPort = Ports.freePort();
    env.put("DNSPLANE_DB", "embedded");
    env.put("DNSPLANE_PG_PORT", Integer.toString(pgPort));
    Map<String, Long> pids = upAndCheck(7);
    assertTrue(pids.containsKey("db-embedded.pid"), "no embedded PostgreSQL pid: " + pids);
    downAndCheck(pids);
    assertTrue(Ports.free(pgPort), "embedded PostgreSQL still listens on " + pgPort);
    assertTrue(Files.isRegularFile(tmp.resolve("state/pg/PG_VERSION")), "data folder gone");

    Shell.Result again = Shell.run(List.of("deploy/up"), env, Duration.ofMinutes(4));
    assertEquals(0, again.exit(), "second deploy/up failed:\n" + again + "\n" + logs());
    assertTrue(again.output().contains("not re-importing"), "zone lost:\n" + again.output());
    assertTrue(again.output().contains(ENDPOINT + " exists"), "endpoints lost:\n" + again.output());
    awaitDig(port(1053), ENDPOINT, "A", out -> answers(out) > 0);
    downAndCheck(pids());
  }

  @Test
  void outageDemoLegacyEmptiesTheEndpointAndRestoresTheStack() throws Exception {
    Assumptions.assumeTrue(Shell.has("jq"), "the outage demo needs jq (apt-get install -y jq)");
    TestDb db = TestPostgres.freshDatabase();
    env.putAll(db.env());
    env.put("DNSPLANE_DEMO_DELAY", "8s");
    Map<String, Long> pids = upAndCheck(6);

    Shell.Result demo =
        Shell.run(List.of("deploy/outage-demo", "legacy"), env, Duration.ofMinutes(4));
    assertEquals(0, demo.exit(), "outage-demo legacy:\n" + demo + "\n" + logs());
    assertTrue(
        demo.output()
            .lines()
            .anyMatch(
                l -> l.matches("legacy\\s+off\\s+yes\\s+yes\\s+yes\\s+no \\(kept, EDE 3\\)\\s+ok")),
        "outcome row missing:\n" + demo.output());
    assertTrue(demo.output().contains("!! NOERROR/0"), "no empty answer on the timeline");

    Shell.Result status = Shell.run(List.of("deploy/status"), env, Duration.ofMinutes(1));
    assertEquals(0, status.exit(), status.toString());
    assertEquals(
        3,
        status
            .output()
            .lines()
            .filter(
                l -> l.startsWith("enactor-") && l.contains(" safe ") && l.contains("stuck=false"))
            .count(),
        "enactors not restored to safe and unstuck:\n" + status.output());
    assertEquals(pids, pids(), "the demo's extra resolver must be gone, nothing else changed");
    awaitDig(port(1053), ENDPOINT, "A", out -> answers(out) == 3);
    downAndCheck(pids);
  }

  @Test
  void outageDemoFamilyEmptiesAOnlyUnderTheNaiveRuleAndRestoresTheStack() throws Exception {
    Assumptions.assumeTrue(Shell.has("jq"), "the outage demo needs jq (apt-get install -y jq)");
    TestDb db = TestPostgres.freshDatabase();
    env.putAll(db.env());
    Map<String, Long> pids = upAndCheck(6);

    Shell.Result demo =
        Shell.run(List.of("deploy/outage-demo", "family"), env, Duration.ofMinutes(4));
    assertEquals(0, demo.exit(), "outage-demo family:\n" + demo + "\n" + logs());
    String out = demo.output();
    // The outcome table: the naive rule with legacy enactors empties A (NODATA), AAAA keeps
    // answering,
    // the guard-off resolver passes it on and the guard-on one keeps A; the fixed planner says it
    // fails
    // open for A; safe enactors refuse the naive planner's entry and keep both IPv4 addresses.
    for (String row :
        List.of(
            "legacy\\s+endpoint\\s+legacy\\s+yes\\s+0\\s+answered\\s+yes\\s+no \\(kept, EDE"
                + " 3\\)\\s+\\[\\]\\s+no\\s+ok",
            "safe\\s+family\\s+safe\\s+no\\s+2\\s+answered\\s+no\\s+no\\s+\\[\"A\"\\]\\s+no\\s+ok",
            "safe-vs-naive\\s+endpoint\\s+safe\\s+no\\s+2\\s+answered\\s+no\\s+no\\s+\\[\\]\\s+yes\\s+ok")) {
      assertTrue(
          out.lines().anyMatch(l -> l.matches(row)), "outcome row " + row + " missing:\n" + out);
    }
    assertTrue(
        out.lines().anyMatch(l -> l.matches("t\\+\\s*\\d+s !! NOERROR/0\\s+NOERROR/1\\s.*")),
        "no NODATA for A next to an answered AAAA on the timeline:\n" + out);
    assertTrue(
        out.lines()
            .anyMatch(
                l -> l.matches("\\s+audit az-[abc]: write plan \\d+ over \\d+: legacy A=0 AAAA=1")),
        "no legacy write of the empty A:\n" + out);
    assertTrue(
        out.lines()
            .anyMatch(
                l ->
                    l.matches("\\s+audit az-[abc]: empty_family_rejected plan \\d+ over \\d+: .*")),
        "no empty_family_rejected audit line:\n" + out);
    assertTrue(out.contains("says failOpenFamilies [\"A\"] for " + FAMILY_ENDPOINT), out);

    Shell.Result status = Shell.run(List.of("deploy/status"), env, Duration.ofMinutes(1));
    assertEquals(0, status.exit(), status.toString());
    assertEquals(
        3,
        status
            .output()
            .lines()
            .filter(
                l -> l.startsWith("enactor-") && l.contains(" safe ") && l.contains("stuck=false"))
            .count(),
        "enactors not restored to safe and unstuck:\n" + status.output());
    assertEquals(pids, pids(), "the demo's extra resolver must be gone, nothing else changed");
    HttpResponse<String> gone =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port(8081) + "/v1/endpoints/" + FAMILY_ENDPOINT))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(404, gone.statusCode(), "the demo endpoint must be deleted: " + gone.body());
    awaitDig(
        port(1053),
        FAMILY_ENDPOINT,
        "A",
        out2 -> out2.contains("status: NOERROR") && answers(out2) == 0);
    awaitDig(port(1053), ENDPOINT, "A", out2 -> answers(out2) == 3);
    downAndCheck(pids);
  }

  /** deploy/up, then DNS through both servers and deploy/status; returns the pid files. */
  private Map<String, Long> upAndCheck(int processes) throws Exception {
    Shell.Result up = Shell.run(List.of("deploy/up"), env, Duration.ofMinutes(4));
    assertEquals(0, up.exit(), "deploy/up failed:\n" + up + "\n" + logs());
    assertTrue(up.output().contains("dnsplane is up"), up.output());
    assertTrue(up.output().contains(tmp.resolve("logs").toString()), "up must name the log folder");

    String auth = awaitDig(port(1053), ENDPOINT, "A", out -> answers(out) > 0);
    assertTrue(auth.contains("status: NOERROR") && auth.contains(" aa"), auth);
    assertTrue(DEMO_ADDRESSES.stream().anyMatch(auth::contains), auth);
    String viaResolver = awaitDig(port(1054), ENDPOINT, "A", out -> answers(out) > 0);
    assertTrue(DEMO_ADDRESSES.stream().anyMatch(viaResolver::contains), viaResolver);
    String plan = awaitDig(port(1053), "_plan." + ENDPOINT, "TXT", out -> answers(out) > 0);
    assertTrue(plan.matches("(?s).*IN\\s+TXT\\s+\"\\d+\".*"), plan);
    String soa = dig(port(1053), "aws.test.", "SOA", "+tcp");
    assertTrue(soa.contains("status: NOERROR") && soa.contains("IN\tSOA"), soa);

    Shell.Result status = Shell.run(List.of("deploy/status"), env, Duration.ofMinutes(1));
    assertEquals(0, status.exit(), status.toString());
    for (String c :
        List.of("authdns", "planner", "enactor-az-a", "enactor-az-b", "enactor-az-c", "resolver")) {
      assertTrue(
          status.output().lines().anyMatch(l -> l.startsWith(c + " ") && l.contains(" ok ")),
          c + " not ok in:\n" + status.output());
    }
    assertTrue(status.output().contains("safe"), "enactor mode missing:\n" + status.output());
    foreignOriginChangesNothing();

    Map<String, Long> pids = pids();
    assertEquals(processes, pids.size(), "pid files: " + pids);
    return pids;
  }

  /**
   * curl, as a web page would: a foreign Origin is 403 at every control API; the enactor stays
   * safe.
   */
  private void foreignOriginChangesNothing() {
    String enactor = "http://127.0.0.1:" + port(8082) + "/v1";
    for (List<String> call :
        List.of(
            List.of("PUT", enactor + "/mode"),
            List.of("POST", "http://127.0.0.1:" + port(8081) + "/v1/plans"),
            List.of("POST", "http://127.0.0.1:" + port(8085) + "/cache/flush"))) {
      Shell.Result r =
          Shell.run(
              List.of(
                  "curl",
                  "-sS",
                  "-m",
                  "10",
                  "-o",
                  "/dev/null",
                  "-w",
                  "%{http_code}",
                  "-X",
                  call.get(0),
                  "-H",
                  "Origin: http://evil.example",
                  "-H",
                  "Content-Type: application/json",
                  "--data",
                  "{\"mode\":\"legacy\"}",
                  call.get(1)),
              env,
              Duration.ofSeconds(20));
      assertEquals("403", r.output().strip(), call + " with a foreign Origin: " + r);
    }
    Shell.Result status =
        Shell.run(
            List.of("curl", "-sS", "-m", "10", enactor + "/status"), env, Duration.ofSeconds(20));
    assertTrue(status.output().contains("\"mode\":\"safe\""), status.toString());
  }

  /** deploy/down must stop every recorded process and free the ports. */
  private void downAndCheck(Map<String, Long> pids) throws IOException {
    Shell.Result down = Shell.run(List.of("deploy/down"), env, Duration.ofMinutes(2));
    assertEquals(0, down.exit(), down.toString());
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      assertFalse(
          ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false),
          p.getKey() + " (pid " + p.getValue() + ") still runs after deploy/down");
    }
    assertTrue(pids().isEmpty(), "pid files left: " + pids());
    assertTrue(Ports.free(port(8080)) && Ports.free(port(1053)), "authdns ports still bound");
  }

  private int port(int base) {
    return base + offset;
  }

  private Map<String, Long> pids() throws IOException {
    Path run = tmp.resolve("state/run");
    Map<String, Long> out = new HashMap<>();
    if (!Files.isDirectory(run)) {
      return out;
    }
    try (Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
        out.put(f.getFileName().toString(), Long.parseLong(Files.readString(f).trim()));
      }
    }
    return out;
  }

  private String logs() throws IOException {
    return Shell.lastLogLines(tmp.resolve("logs"), 30);
  }

  private String dig(int port, String name, String type, String... extra) {
    List<String> cmd =
        Stream.concat(
                Stream.of("dig", "+time=1", "+tries=1", "@127.0.0.1", "-p", Integer.toString(port)),
                Stream.concat(Stream.of(extra), Stream.of(name, type)))
            .toList();
    return Shell.run(cmd, Map.of(), Duration.ofSeconds(10)).output();
  }

  /** Digs until {@code ok} holds, up to 30 s: enactors apply the first plan asynchronously. */
  private String awaitDig(int port, String name, String type, Predicate<String> ok)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      last = dig(port, name, type);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(200); // polling interval of a condition with a deadline, not a synchronisation
    }
    return fail("no good answer for " + name + " " + type + " on port " + port + ":\n" + last);
  }

  private static int answers(String digOutput) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("ANSWER: (\\d+)").matcher(digOutput);
    return m.find() && digOutput.contains("status: NOERROR") ? Integer.parseInt(m.group(1)) : 0;
  }
}
