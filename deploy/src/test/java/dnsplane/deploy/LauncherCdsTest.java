package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archives (dp_cds_flags in deploy/lib/common.sh), driven with a small
 * jar of our own through real JVMs: the first start writes an archive as it exits, the next one
 * checks it, adopts it and loads its classes from it, a torn archive is deleted rather than mapped
 * (a JVM mapping one can crash), and a rebuilt jar starts over.
 */
class LauncherCdsTest {

  @TempDir Path root;
  private Path jar;
  private Path cds;

  @BeforeEach
  void jar() throws IOException {
    Path src = root.resolve("src/hello/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        package hello;
        public final class Hello {
          public static void main(String[] a) { System.out.println("hello from the jar"); }
        }
        """);
    Path classes = root.resolve("classes");
    Files.createDirectories(classes);
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), src.toString());
    assertEquals(0, rc, "javac");
    jar = root.resolve("hello.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "hello.Hello");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      out.putNextEntry(new JarEntry("hello/Hello.class"));
      out.write(Files.readAllBytes(classes.resolve("hello/Hello.class")));
      out.closeEntry();
    }
    cds = root.resolve("deploy/state/cds");
  }

  /** Runs {@code commands} in bash with deploy/lib/common.sh sourced and this test's root. */
  private Shell.Result launcherShell(String commands, Map<String, String> env) {
    String common = Shell.repoRoot().resolve("deploy/lib/common.sh").toString();
    String script = "source '" + common + "' && DNSPLANE_ROOT='" + root + "' && " + commands;
    return Shell.run(List.of("bash", "-c", script), env, Duration.ofSeconds(60));
  }

  /** One start as the launcher makes it: dp_java_flags, dp_cds_flags, exec java. */
  private Shell.Result start(String... extraJvmFlags) {
    Shell.Result r =
        launcherShell(
            "java=\"$(dp_java)\" && dp_java_flags \"$java\" 64m && dp_cds_flags \"$java\" '"
                + jar
                + "' hello && exec \"$java\" \"${DP_FLAGS[@]}\" "
                + String.join(" ", extraJvmFlags)
                + " -jar '"
                + jar
                + "'",
            Map.of("DNSPLANE_JAVA_OPTS", "", "DNSPLANE_CDS", "on"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().contains("hello from the jar"), r.toString());
    return r;
  }

  /** The one file in the archive folder, which must match {@code regex}. */
  private void onlyArchive(String regex) throws IOException {
    List<String> files = archives();
    assertEquals(1, files.size(), files.toString());
    assertTrue(files.get(0).matches(regex), files.toString());
  }

  private List<String> archives() throws IOException {
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cds)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theFirstStartWritesAnArchiveTheNextOneAdoptsAndLoadsFrom() throws IOException {
    Shell.Result first = start("-Xlog:class+load=info");
    assertTrue(
        first.output().matches("(?s).*hello\\.Hello source: (file|jar).*"),
        "no archive yet: the class comes from the jar\n" + first);
    onlyArchive("hello\\.[0-9-]+\\.[0-9]+\\.dump");

    Shell.Result second = start("-Xlog:class+load=info");
    assertTrue(
        second.output().contains("hello.Hello source: shared objects file"),
        "the second start maps the class from the archive\n" + second);
    onlyArchive("hello\\.[0-9-]+\\.jsa");
  }

  @Test
  void aTornArchiveIsDeletedNotMapped() throws IOException {
    start();
    Path dump;
    try (Stream<Path> s = Files.list(cds)) {
      dump = s.findFirst().orElseThrow();
    }
    // What a JVM killed part way through writing leaves: the first half.
    byte[] whole = Files.readAllBytes(dump);
    Files.delete(dump);
    Path torn =
        dump.resolveSibling(
            dump.getFileName().toString().replaceAll("\\.[0-9]+\\.dump$", "") + ".999999999.dump");
    Files.write(torn, java.util.Arrays.copyOf(whole, whole.length / 2));

    start();
    assertFalse(Files.exists(torn), "the torn archive is gone");
    List<String> left = archives();
    assertEquals(1, left.size(), left.toString());
    assertTrue(left.get(0).endsWith(".dump"), "a new one is written instead: " + left);
  }

  @Test
  void aRebuiltJarStartsOverAndTheOldArchiveGoes() throws IOException {
    start();
    start();
    List<String> before = archives();
    assertTrue(before.get(0).endsWith(".jsa"), before.toString());
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
    start();
    List<String> after = archives();
    assertEquals(1, after.size(), after.toString());
    assertTrue(after.get(0).endsWith(".dump"), "the rebuilt jar writes its own: " + after);
  }

  @Test
  void helpRunsWriteNoArchive() throws IOException {
    Shell.Result r =
        launcherShell(
            "DP_FLAGS=() && dp_cds_flags java '"
                + jar
                + "' hello serve --help && echo \"flags:${DP_FLAGS[*]}.\"",
            Map.of("DNSPLANE_CDS", "on"));
    assertTrue(r.output().contains("flags:."), r.toString());
    assertEquals(List.of(), archives());
  }
}
