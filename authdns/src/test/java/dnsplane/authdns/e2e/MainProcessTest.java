package dnsplane.authdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.store.ZoneExporter;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * Main as a real process: zone import (which leaves a checkpoint), serve (which starts from it),
 * and a clean stop on SIGTERM.
 */
@RequiresPostgres
class MainProcessTest {

  @TempDir Path dir;

  @Test
  void importsServesAndStopsCleanlyOnSigterm() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    Path zone = dir.resolve("example.zone");
    Files.writeString(
        zone, "@ 300 IN SOA ns1 h 1 2 3 4 5\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n");

    Process bad = start(db, "zone", "import", zone.toString());
    List<String> badOut = readAll(bad);
    assertEquals(
        1, bad.waitFor(), "a file with relative names and no origin is refused: " + badOut);

    Process imp = start(db, "zone", "import", zone.toString(), "--origin", "example.org");
    List<String> impOut = readAll(imp);
    assertEquals(0, imp.waitFor(), impOut.toString());
    assertTrue(
        impOut.stream().anyMatch(l -> l.startsWith("wrote snapshot checkpoint")),
        "a first import leaves a checkpoint for the first server: " + impOut);
    assertTrue(
        ZoneExporter.export(db.settings(), Name.fromString("example.org."))
            .contains("ns1.example.org."));

    Process serve =
        start(
            db,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--state-dir",
            dir.resolve("state").toString());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    // readLine blocks until the line arrives or the process dies (null): no sleeps needed.
    while ((line = out.readLine()) != null && !line.contains("serving DNS")) {
      lines.add(line);
    }
    assertTrue(line != null, "serve never came up: " + lines);

    // SIGTERM; through the handle, which (unlike Process.destroy) leaves our end of stdout open.
    assertTrue(serve.toHandle().destroy());
    List<String> rest = new ArrayList<>();
    while ((line = out.readLine()) != null) { // until the process closes its stdout
      rest.add(line);
    }
    assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s");
    assertEquals(0, serve.exitValue(), rest.toString());
    assertTrue(rest.stream().anyMatch(l -> l.contains("stopped")), rest.toString());
    lines.addAll(rest);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("started from the checkpoint")),
        "a server with an empty state directory starts from the import's checkpoint: " + lines);
  }

  private static Process start(TestDb db, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dnsplane.authdns.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(db.env());
    return pb.start();
  }

  private static List<String> readAll(Process p) throws Exception {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }
}
