package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every deploy script parses (bash -n), passes shellcheck when installed, and the launcher's CLI
 * contract.
 */
class ScriptsTest {

  static final List<String> SCRIPTS =
      List.of(
          "deploy/dnsplane",
          "deploy/up",
          "deploy/down",
          "deploy/status",
          "deploy/outage-demo",
          "deploy/compose-e2e",
          "deploy/docker/base-images",
          "deploy/docker/postgres/docker-entrypoint.sh",
          "deploy/seed/compose-seed.sh",
          "deploy/fuzz/jazzer",
          "deploy/fuzz/net-fuzz",
          "deploy/bench/all",
          ".ci/run");

  private static List<String> allScripts() throws IOException {
    List<String> all = new ArrayList<>(SCRIPTS);
    try (Stream<Path> lib = Files.list(Shell.repoRoot().resolve("deploy/lib"))) {
      lib.filter(p -> p.toString().endsWith(".sh"))
          .map(p -> "deploy/lib/" + p.getFileName())
          .sorted()
          .forEach(all::add);
    }
    return all;
  }

  /** Every other *.sh under deploy/ (the benchmark and comparison scripts), for bash -n only. */
  private static List<String> otherShellFiles(List<String> known) throws IOException {
    Path root = Shell.repoRoot();
    try (Stream<Path> files = Files.walk(root.resolve("deploy"))) {
      return files
          .filter(p -> p.toString().endsWith(".sh") && Files.isRegularFile(p))
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.contains("/target/") && !p.contains("/state/") && !known.contains(p))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyScriptExistsIsExecutableAndParses() throws IOException {
    Path root = Shell.repoRoot();
    for (String s : allScripts()) {
      Path p = root.resolve(s);
      assertTrue(Files.isRegularFile(p), s + " is missing");
      if (!s.startsWith("deploy/lib/")) {
        assertTrue(Files.isExecutable(p), s + " is not executable");
      }
      Shell.Result r = Shell.run(List.of("bash", "-n", s), Map.of(), Duration.ofSeconds(20));
      assertEquals(0, r.exit(), "bash -n " + s + " -> " + r);
    }
  }

  @Test
  void everyOtherShellScriptUnderDeployParses() throws IOException {
    for (String s : otherShellFiles(allScripts())) {
      Shell.Result r = Shell.run(List.of("bash", "-n", s), Map.of(), Duration.ofSeconds(20));
      assertEquals(0, r.exit(), "bash -n " + s + " -> " + r);
    }
  }

  @Test
  void shellcheckFindsNothingWhenInstalled() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Shell.has("shellcheck"), "shellcheck is not installed (apt-get install -y shellcheck)");
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "-S", "warning"));
    cmd.addAll(allScripts());
    // The benchmarks too: a benchmark that breaks silently measures nothing.
    try (Stream<Path> bench = Files.list(Shell.repoRoot().resolve("deploy/bench"))) {
      bench
          .filter(p -> p.toString().endsWith(".sh"))
          .map(p -> "deploy/bench/" + p.getFileName())
          .sorted()
          .forEach(cmd::add);
    }
    Shell.Result r = Shell.run(cmd, Map.of(), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void unknownCommandPrintsUsageAndExits2() {
    Shell.Result r =
        Shell.run(List.of("deploy/dnsplane", "frobnicate"), Map.of(), Duration.ofSeconds(20));
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.output().contains("unknown command 'frobnicate'"), r.output());
    assertTrue(r.output().contains("usage: deploy/dnsplane"), r.output());
  }

  @Test
  void repairWithoutAnEndpointIsAUsageError() {
    Shell.Result r =
        Shell.run(List.of("deploy/dnsplane", "repair"), Map.of(), Duration.ofSeconds(20));
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.output().contains("missing ENDPOINT"), r.output());
  }

  @Test
  void repairRefusesSomethingThatIsNotADnsName() {
    Shell.Result r =
        Shell.run(List.of("deploy/dnsplane", "repair", "a\"b"), Map.of(), Duration.ofSeconds(20));
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.output().contains("not a DNS name"), r.output());
  }

  @Test
  void launcherWorksFromAnyDirectoryAndNamesAMissingJar() {
    // From /tmp, with a version no jar has: the launcher must resolve the repo from its own path
    // and name the exact jar it could not find instead of building.
    Path launcher = Shell.repoRoot().resolve("deploy/dnsplane");
    Shell.Result r =
        Shell.run(
            List.of("bash", "-c", "cd /tmp && exec " + launcher + " planner"),
            Map.of("DNSPLANE_BUILD", "never", "DNSPLANE_VERSION", "0.0.0-none"),
            Duration.ofSeconds(20));
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.output().contains(Shell.repoRoot() + "/planner/target/planner-0.0.0-none-all.jar"),
        r.output());
  }

  @Test
  void upDownStatusRejectStrayArguments() {
    for (String s : List.of("deploy/up", "deploy/down", "deploy/status")) {
      Shell.Result r = Shell.run(List.of(s, "--bogus"), Map.of(), Duration.ofSeconds(20));
      assertEquals(2, r.exit(), s + " -> " + r);
      assertFalse(r.output().isBlank(), s + " printed no usage");
    }
  }
}
