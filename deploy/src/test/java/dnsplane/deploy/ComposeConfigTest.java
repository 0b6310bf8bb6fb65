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

  private static final List<String> COMPOSE =
      List.of("docker-compose", "-f", "deploy/compose.yaml");

  /** compose.yaml requires the token; any value will do for validating it. */
  private static final Map<String, String> TOKEN =
      Map.of("DNSPLANE_API_TOKEN", "compose-config-test-token");

  @BeforeAll
  static void needsDockerCompose() {
    Assumptions.assumeTrue(
        Shell.has("docker-compose"),
        "docker-compose is not installed (apt-get install -y docker-compose; .ci/run does it)");
  }

  @Test
  void composeFileIsValid() {
    Shell.Result r = Shell.run(concat("config", "-q"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void composeRunsTheWholeTopology() {
    Shell.Result r = Shell.run(concat("config", "--services"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    for (String s :
        List.of(
            "postgres",
            "migrate",
            "authdns",
            "planner",
            "seed",
            "enactor-az-a",
            "enactor-az-b",
            "enactor-az-c",
            "resolver")) {
      assertTrue(r.output().lines().anyMatch(s::equals), "service " + s + " missing:\n" + r);
    }
  }

  @Test
  void authdnsStartsAfterTheMigrationAndKeepsItsSnapshotOnAVolume() {
    Shell.Result r = Shell.run(concat("config"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    String all = r.output();
    assertTrue(all.contains("- migrate"), "a migrate one-shot runs authdns migrate:\n" + r);
    assertTrue(
        all.replaceAll("\\s+", " ").contains("migrate: condition: service_completed_successfully"),
        "authdns waits for the migration:\n" + r);
    assertTrue(all.contains("authdns-state"), "the snapshot copy lives on a volume:\n" + r);
  }

  @Test
  void theScaleProfileAddsASecondAuthdnsAndAnNsdSecondaryFedByNotifyAndIxfr() throws Exception {
    Shell.Result r =
        Shell.run(concat("--profile", "scale", "config"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    String all = r.output();
    assertTrue(all.contains("\n  authdns-2:") && all.contains("\n  nsd-secondary:"), all);
    assertTrue(
        all.contains("authdns-2-state:/var/lib/dnsplane"), "each authdns its own copy:\n" + all);
    assertTrue(all.contains("DNSPLANE_AUTHDNS_ALLOW_TRANSFER: 127.0.0.0/8,::1,172.28.0.0/24"), all);
    assertTrue(
        all.replaceAll("\\s+", " ").contains("- --seed-from - http://172.28.0.10:8080"),
        "authdns-2 starts from authdns's copy when it has none:\n" + all);
    String conf = "deploy/docker/nsd/nsd.conf";
    String nsd = java.nio.file.Files.readString(Shell.repoRoot().resolve(conf));
    assertTrue(nsd.contains("request-xfr: 172.28.0.10@1053 NOKEY"), nsd);
    assertTrue(nsd.contains("request-xfr: 172.28.0.11@1053 NOKEY"), nsd);
    Shell.Result check =
        Shell.run(List.of("nsd-checkconf", conf), Map.of(), Duration.ofSeconds(30));
    assertEquals(0, check.exit(), "nsd-checkconf " + conf + ": " + check);
  }

  @Test
  void dnsPortsArePublishedOnLoopbackOverUdpAndTcp() {
    Shell.Result r = Shell.run(concat("config"), TOKEN, Duration.ofSeconds(60));
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

  @Test
  void composeRefusesToStartWithoutATokenAndGivesItToEveryControlApi() {
    Map<String, String> none = new java.util.HashMap<>();
    none.put("DNSPLANE_API_TOKEN", null);
    Shell.Result refused = Shell.run(concat("config", "-q"), none, Duration.ofSeconds(60));
    assertTrue(refused.exit() != 0, "compose must refuse an unset token:\n" + refused);
    assertTrue(refused.toString().contains("set DNSPLANE_API_TOKEN"), refused.toString());
    Shell.Result r = Shell.run(concat("config"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    // planner, seed, three enactors and the resolver (authdns shares the database settings).
    assertTrue(
        r.output()
                .lines()
                .filter(l -> l.trim().equals("DNSPLANE_API_TOKEN: compose-config-test-token"))
                .count()
            >= 6,
        "the token must reach every service with a mutating API:\n" + r);
  }

  @Test
  void everyBaseImageHostPortAndTheNetworkAreVariables() {
    Map<String, String> env = new java.util.HashMap<>(TOKEN);
    env.put("DNSPLANE_BUILD_IMAGE", "local/build:1");
    env.put("DNSPLANE_BASE_IMAGE", "local/base:1");
    env.put("DNSPLANE_PG_IMAGE", "local/postgres:15");
    env.put("DNSPLANE_HOST_PORT_AUTHDNS_DNS", "21053");
    env.put("DNSPLANE_HOST_PORT_ENACTOR_B", "28083");
    env.put("DNSPLANE_COMPOSE_NET", "172.29.77");
    Shell.Result r = Shell.run(concat("config"), env, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    String all = r.output();
    assertTrue(all.contains("DNSPLANE_BUILD_IMAGE: local/build:1"), "build arg:\n" + all);
    assertTrue(all.contains("DNSPLANE_BASE_IMAGE: local/base:1"), "build arg:\n" + all);
    assertTrue(all.contains("image: local/postgres:15"), "postgres image:\n" + all);
    assertTrue(all.contains("127.0.0.1:21053:1053/udp"), "authdns port:\n" + all);
    assertTrue(all.contains("127.0.0.1:28083:8083/tcp"), "az-b port:\n" + all);
    assertTrue(
        all.contains("subnet: 172.29.77.0/24") && all.contains("ipv4_address: 172.29.77.10"), all);
    assertTrue(
        all.contains("DNSPLANE_AUTHDNS: 172.29.77.10:1053"), "enactors verify there:\n" + all);
    assertTrue(!all.contains("172.28.0."), "an address outside the chosen network:\n" + all);
  }

  @Test
  void theConsoleProbesTheComposeServicesAndAUsersOwnValueWins() {
    Shell.Result r = Shell.run(concat("config"), TOKEN, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    String all = r.output();
    assertTrue(all.contains("DNSPLANE_CONSOLE_AUTHDNS: authdns:1053"), all);
    assertTrue(
        all.contains(
            "DNSPLANE_CONSOLE_RESOLVERS:"
                + " resolver=resolver:1054,resolver-guard-off=resolver-guard-off:1054"),
        all);
    assertTrue(
        all.contains(
            "DNSPLANE_CONSOLE_ENACTORS: az-a=http://enactor-az-a:8082,"
                + "az-b=http://enactor-az-b:8083,az-c=http://enactor-az-c:8084\n"),
        all);

    Map<String, String> own = new java.util.HashMap<>(TOKEN);
    own.put("DNSPLANE_CONSOLE_RESOLVERS", "mine=10.0.0.1:53");
    Shell.Result mine = Shell.run(concat("config"), own, Duration.ofSeconds(60));
    assertEquals(0, mine.exit(), mine.toString());
    assertTrue(
        mine.output().contains("DNSPLANE_CONSOLE_RESOLVERS: mine=10.0.0.1:53"), mine.output());

    Shell.Result more =
        Shell.run(
            concat("-f", "deploy/compose.more-enactors.yaml", "config"),
            TOKEN,
            Duration.ofSeconds(60));
    assertEquals(0, more.exit(), more.toString());
    assertTrue(more.output().contains(",az-d=http://enactor-az-d:8086"), more.output());
  }

  @Test
  void theOverrideFileAddsAFourthEnactorAndTheDemoProfileAGuardOffResolver() {
    Shell.Result r =
        Shell.run(
            concat("-f", "deploy/compose.more-enactors.yaml", "--profile", "demo", "config"),
            TOKEN,
            Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
    String all = r.output();
    assertTrue(all.contains("\n  enactor-az-d:") && all.contains("- az-d"), all);
    assertTrue(all.contains("127.0.0.1:8086:8086/tcp"), all);
    assertTrue(all.contains("\n  resolver-guard-off:") && all.contains("- --guard"), all);
  }

  private static List<String> concat(String... args) {
    return java.util.stream.Stream.concat(COMPOSE.stream(), java.util.Arrays.stream(args)).toList();
  }
}
