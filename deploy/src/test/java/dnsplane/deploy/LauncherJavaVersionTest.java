package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher asks a java binary its version once, not once per start (dp_java_version in
 * deploy/lib/common.sh): driven with a stand-in "java" that counts how often it is asked, through
 * the same functions a server's start calls (its flags, its class-data archive's key).
 */
class LauncherJavaVersionTest {

  @TempDir Path root;
  private Path java;
  private Path asked;

  @BeforeEach
  void fakeJava() throws IOException {
    Path bin = root.resolve("jdk/bin");
    Files.createDirectories(bin);
    Files.createDirectories(root.resolve("jdk/lib"));
    Files.writeString(root.resolve("jdk/lib/modules"), "runtime image");
    asked = root.resolve("asked");
    java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "echo asked >> '"
            + asked
            + "'\n"
            + "echo 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("app.jar"), "not run");
  }

  /** One start's flags, as the launcher makes them for a server, in a shell of its own. */
  private String startFlags() {
    String common = Shell.repoRoot().resolve("deploy/lib/common.sh").toString();
    String script =
        "source '"
            + common
            + "' && DNSPLANE_ROOT='"
            + root
            + "' && dp_java_flags '"
            + java
            + "' 64m authdns && dp_cds_flags '"
            + java
            + "' '"
            + root.resolve("app.jar")
            + "' authdns serve && echo \"flags: ${DP_FLAGS[*]}\"";
    Shell.Result r =
        Shell.run(
            List.of("bash", "-c", script),
            Map.of("DNSPLANE_JAVA_OPTS", "", "DNSPLANE_CDS", "on"),
            Duration.ofSeconds(30));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().contains("flags: -XX:+UseG1GC"), r.toString());
    return r.output();
  }

  private long timesAsked() throws IOException {
    return Files.exists(asked) ? Files.readAllLines(asked).size() : 0;
  }

  @Test
  void aJavaIsAskedItsVersionOnceAcrossStarts() throws IOException {
    String first = startFlags();
    assertEquals(1, timesAsked(), "one start asks once, for its flags and its archive's key");
    assertTrue(first.contains("--add-modules jdk.incubator.foreign"), "read as Java 17: " + first);
    String second = startFlags();
    assertEquals(1, timesAsked(), "the next start reads the answer kept");
    // The same flags, the archive's key included; only the shell's pid in a dump's name differs.
    assertEquals(
        first.replaceAll("\\.[0-9]+\\.dump", ".PID.dump"),
        second.replaceAll("\\.[0-9]+\\.dump", ".PID.dump"),
        "and makes the same flags");
  }

  @Test
  void aChangedJdkIsAskedAgain() throws IOException {
    startFlags();
    Path modules = root.resolve("jdk/lib/modules");
    Files.writeString(modules, "an upgraded runtime image");
    Files.setLastModifiedTime(
        modules, FileTime.fromMillis(Files.getLastModifiedTime(modules).toMillis() + 5_000));
    startFlags();
    assertEquals(2, timesAsked(), "a new runtime image is a new JDK");
  }
}
