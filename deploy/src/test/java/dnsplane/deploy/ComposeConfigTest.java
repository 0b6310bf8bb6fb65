package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates deploy/compose.yaml with docker-compose (no Docker engine needed for {@code config}).
 * .ci/run installs docker-compose, so CI never skips this.
 */
class ComposeConfigTest {

  private static final List<String> COMPOSE = List.of("docker-compose", "-f", "deploy/compose.yaml");

  @BeforeAll
  static void needsDockerCompose() {
    Assumptions.assumeTrue(
        Shell.has("docker-compose"),
        "docker-compose is not installed (apt-get install -y docker-compose; .ci/run does it)");
  }

  @Test
  void composeFileIsValid() {
    Shell.Result r = Shell.run(concat("config", "-q"), Map.of(), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void composeRunsTheWholeTopology() {
    Shell.Result r = Shell.run(concat("config", "--services"), Map.of(), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    for (String s :
        List.of(
            "postgres", "authdns", "planner", "seed", "enactor-az-a", "enactor-az-b",
            "enactor-az-c", "resolver")) {
      assertTrue(r.output().lines().anyMatch(s::equals), "service " + s + " missing:\n" + r);
    }
  }

  @Test
  void dnsPortsArePublishedOnLoopbackOverUdpAndTcp() {
    Shell.Result r = Shell.run(concat("config"), Map.of(), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    for (String port :
        List.of(
            "127.0.0.1:1053:1053/udp", "127.0.0.1:1053:1053/tcp",
            "127.0.0.1:1054:1054/udp", "127.0.0.1:1054:1054/tcp")) {
      assertTrue(r.output().contains(port), port + " not published:\n" + r);
    }
    assertTrue(
        r.output().lines().noneMatch(l -> l.matches("\\s*- (0\\.0\\.0\\.0:)?\\d+:\\d+.*")),
        "a port is published beyond loopback:\n" + r);
  }

  private static List<String> concat(String... args) {
    return java.util.stream.Stream.concat(COMPOSE.stream(), java.util.Arrays.stream(args)).toList();
  }
}
