package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dp_live_pid (deploy/lib/stack.sh), which deploy/up asks while a component starts and deploy/down
 * and status ask later, against real processes: ours, someone else's, a zombie, a dead pid, and a
 * process whose command line reads empty for a moment as it does in the middle of an exec.
 */
class StackLivePidTest {

  @TempDir Path state;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
  }

  /** Runs dp_live_pid for a pid file holding {@code pid}; its output, or "not running". */
  private String livePid(long pid, Map<String, String> extraEnv) throws IOException {
    Path run = state.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("authdns.pid"), pid + "\n");
    Path lib = Shell.repoRoot().resolve("deploy/lib");
    String script =
        "source '"
            + lib.resolve("common.sh")
            + "' && source '"
            + lib.resolve("stack.sh")
            + "' && { dp_live_pid authdns || echo 'not running'; }";
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("DNSPLANE_STATE_DIR", state.toString());
    Shell.Result r = Shell.run(List.of("bash", "-c", script), env, Duration.ofSeconds(30));
    assertEquals(0, r.exit(), r.toString());
    return r.output().strip();
  }

  private Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  /** A process whose command line names the launcher, as the spawned bash does before its exec. */
  private Process launcherLike() throws IOException {
    return start("bash", "-c", "sleep 60; :", "/somewhere/deploy/dnsplane");
  }

  @Test
  void aProcessRunningTheLauncherIsRunning() throws Exception {
    Process p = launcherLike();
    assertEquals(Long.toString(p.pid()), livePid(p.pid(), Map.of()));
  }

  @Test
  void anUnrelatedProcessOnTheRecordedPidIsNotRunning() throws Exception {
    Process p = start("sleep", "60");
    assertEquals("not running", livePid(p.pid(), Map.of()));
  }

  @Test
  void aPidThatIsGoneIsNotRunning() throws Exception {
    Process p = start("true");
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals("not running", livePid(p.pid(), Map.of()));
  }

  /** A zombie answers kill -0 and has an empty command line for as long as nobody reaps it. */
  @Test
  void aZombieThatRanTheLauncherIsNotRunning() throws Exception {
    Path pidFile = state.resolve("zombie.pid");
    // The child writes its pid and exits; its parent execs sleep, which never reaps it.
    start(
        "bash",
        "-c",
        "(exec bash -c 'echo $$ > \"$1\"' /somewhere/deploy/dnsplane '"
            + pidFile
            + "') & exec sleep 60");
    long zombie = awaitPid(pidFile);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z ")) {
      assertTrue(System.nanoTime() < deadline, "the child never became a zombie");
      Thread.onSpinWait();
    }
    assertEquals("not running", livePid(zombie, Map.of()));
  }

  /**
   * Between an exec's swap of memory and its new arguments the kernel shows an empty command line;
   * seen there, a starting component once counted as exited. A stand-in for /proc holds an empty
   * command line that a writer fills 150 ms later.
   */
  @Test
  void aCommandLineEmptyForAMomentIsReadAgain() throws Exception {
    Process p = launcherLike();
    Path proc = state.resolve("proc");
    Path cmdline = proc.resolve(Long.toString(p.pid())).resolve("cmdline");
    Files.createDirectories(cmdline.getParent());
    Files.writeString(cmdline, "");
    Process writer =
        start(
            "bash",
            "-c",
            "sleep 0.15 && printf 'java\\0-jar\\0authdns/target/authdns-all.jar\\0' > '"
                + cmdline
                + "'");
    assertEquals(Long.toString(p.pid()), livePid(p.pid(), Map.of("DP_PROC", proc.toString())));
    assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
  }

  private static long awaitPid(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (Files.exists(file)) {
        String s = Files.readString(file).strip();
        if (!s.isEmpty()) {
          return Long.parseLong(s);
        }
      }
      assertTrue(System.nanoTime() < deadline, "no pid in " + file);
      Thread.onSpinWait();
    }
  }
}
