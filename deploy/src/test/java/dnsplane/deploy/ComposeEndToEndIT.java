package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose stack in real containers: runs deploy/compose-e2e (build, up, health, dig, both
 * outage demos, an enactor killed during a 1,000-endpoint plan and restarted, PostgreSQL restarted
 * under query load, a fourth enactor from the override file, down -v) under a project name, network
 * and ports of its own, and checks its report.
 *
 * <p>Needs a Docker engine; .ci/run installs docker.io and starts dockerd. Where no engine can run,
 * the test is skipped with a loud message on stderr, never passed.
 */
class ComposeEndToEndIT {

  private static final List<Integer> BASE_PORTS =
      List.of(1053, 1054, 1063, 1064, 1073, 8080, 8081, 8082, 8083, 8084, 8085, 8090, 8095);
  private static final String PROJECT =
      "dnsplane-it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void needsADockerEngine() {
    String missing = null;
    for (String tool : List.of("docker", "docker-compose", "dig", "jq")) {
      if (!Shell.has(tool)) {
        missing = tool + " is not installed";
        break;
      }
    }
    if (missing == null) {
      Shell.Result info = Shell.run(List.of("docker", "info"), Map.of(), Duration.ofSeconds(30));
      if (info.exit() != 0) {
        missing = "no Docker engine answers (docker info: exit " + info.exit() + ")";
      }
    }
    if (missing != null) {
      String message =
          "SKIPPED, NOT PASSED: the compose end-to-end test did not run: "
              + missing
              + ". Install docker.io and docker-compose and start dockerd (.ci/run does both).";
      System.err.println("\n!!!!! " + message + "\n");
      Assumptions.abort(message);
    }
  }

  @AfterAll
  static void nothingLeftBehind() {
    // compose-e2e takes its stack down itself; this only matters when it was killed on a timeout.
    Shell.run(
        List.of(
            "docker-compose",
            "-p",
            PROJECT,
            "-f",
            "deploy/compose.yaml",
            "--profile",
            "demo",
            "down",
            "-v",
            "--remove-orphans"),
        Map.of("DNSPLANE_API_TOKEN", "cleanup"),
        Duration.ofMinutes(2));
  }

  @Test
  void theComposeStackRunsEndToEndAndLeavesNothingBehind() {
    Map<String, String> env =
        Map.of(
            "DNSPLANE_E2E_PROJECT",
            PROJECT,
            "DNSPLANE_E2E_PORT_OFFSET",
            Integer.toString(Ports.freeOffset(BASE_PORTS)),
            "DNSPLANE_COMPOSE_NET",
            "172.29." + (100 + new Random().nextInt(100)));
    Shell.Result r = Shell.run(List.of("deploy/compose-e2e"), env, Duration.ofMinutes(40));
    System.out.println(r.output());
    assertEquals(0, r.exit(), "deploy/compose-e2e failed:\n" + tail(r.output()));

    String out = r.output();
    for (String step :
        List.of(
            "1. build the images",
            "2. docker-compose up -d",
            "3. every health check passes",
            "4. dig through authdns and the resolver",
            "5. outage-demo --compose legacy",
            "5. outage-demo --compose safe",
            "6. kill enactor-az-b",
            "7. restart enactor-az-b",
            "8. restart postgres while authdns answers",
            "9. a fourth enactor",
            "10. docker-compose down -v")) {
      assertTrue(
          Pattern.compile("(?m)^" + Pattern.quote(step) + ".*\\d+s ").matcher(out).find(),
          "the report has no line for step " + step + ":\n" + tail(out));
    }
    assertTrue(
        out.contains("no javac/mvn/gcc"), "the runtime image was not checked for build tools");
    assertTrue(out.contains("0 of 1000 empty"), "an endpoint went empty around the enactor kill");
    assertTrue(
        out.matches("(?s).*queries, 0 failed.*"), "queries failed across the PostgreSQL restart");
    assertTrue(
        out.contains("left behind: 0 containers, 0 networks, 0 volumes"), "down -v left something");
  }

  private static String tail(String s) {
    return s.length() <= 8000 ? s : "…" + s.substring(s.length() - 8000);
  }
}
