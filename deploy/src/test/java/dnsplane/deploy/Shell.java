package dnsplane.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Shell runs the deploy scripts and tools for the tests: bounded, output captured, never hanging.
 */
final class Shell {

  /** What a finished command left: its exit status and its stdout and stderr, interleaved. */
  record Result(int exit, String output) {
    @Override
    public String toString() {
      return "exit " + exit + ":\n" + output;
    }
  }

  private Shell() {}

  /** The repository root: the nearest folder upwards holding deploy/dnsplane. */
  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("deploy/dnsplane"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no deploy/dnsplane above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** Whether {@code tool} is on the PATH. */
  static boolean has(String tool) {
    return run(List.of("bash", "-c", "command -v " + tool), Map.of(), Duration.ofSeconds(10)).exit()
        == 0;
  }

  /**
   * Runs {@code command} in the repository root with {@code env} laid over ours (a null value
   * unsets).
   */
  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile());
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    try {
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread pump = new Thread(() -> copy(p.getInputStream(), out), "shell-output");
      pump.setDaemon(true);
      pump.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        pump.join(2000);
        throw new AssertionError(
            command + " did not finish within " + timeout + "; output so far:\n" + text(out));
      }
      pump.join(5000);
      return new Result(p.exitValue(), text(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The last {@code n} lines of every log in {@code dir}, each under its file name, for a failure.
   */
  static String lastLogLines(Path dir, int n) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "(no logs)";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("--- ").append(f.getFileName()).append(" (last ").append(n).append(" lines)\n");
        lines
            .subList(Math.max(0, lines.size() - n), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      }
    }
    return sb.toString();
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // The process went away; what was read so far is kept.
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
