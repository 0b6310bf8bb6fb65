package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The constant-memory claim of {@code zone import}, tried: a 200,000-record zone imports (and
 * re-imports) through {@code authdns zone import} in a child JVM whose heap is 64 MB, about a tenth
 * of what the zone would take in memory as rrset rows, and the snapshot checkpoint it writes after
 * the first import is written in the same heap.
 */
@RequiresPostgres
class SmallHeapImportTest {

  static final int NAMES = 200_000;

  /** Every this many names a second address, at the end of the file: non-contiguous rrsets. */
  static final int SPLIT = 1_000;

  @TempDir Path dir;

  @Test
  void twoHundredThousandRecordsImportAndReimportWithA64MegabyteHeap() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    Path zone = dir.resolve("big.test.zone");
    int records = write(zone);
    int rrsets = NAMES + 2; // the A rrsets of h0 .. h(N-1), the apex SOA and NS

    List<String> first = importInChildJvm(db, zone);
    assertEquals(
        List.of(
            "imported zone big.test. (created): "
                + records
                + " records; rrsets "
                + rrsets
                + " inserted, 0 updated, 0 deleted, 0 unchanged, 0 plan-managed left alone"),
        first.subList(0, 1));
    assertTrue(
        first.get(1).startsWith("wrote snapshot checkpoint")
            && first.get(1).contains(rrsets + " rrsets"),
        "the first import leaves a checkpoint of the whole zone, written in the same heap: "
            + first);
    assertEquals(rrsets, longValue(db, "SELECT count(*) FROM rrset"));
    assertEquals(records, longValue(db, "SELECT sum(cardinality(rdata)) FROM rrset"));
    assertEquals(
        2,
        longValue(db, "SELECT cardinality(rdata) FROM rrset WHERE name = 'h0.big.test.'"),
        "the records of a non-contiguous rrset are one row");
    assertEquals(rrsets, longValue(db, "SELECT count(*) FROM change_log WHERE op = 'set'"));

    long log = longValue(db, "SELECT count(*) FROM change_log");
    List<String> again = importInChildJvm(db, zone);
    assertEquals(
        List.of(
            "imported zone big.test.: "
                + records
                + " records; rrsets 0 inserted, 0 updated, 0 deleted, "
                + rrsets
                + " unchanged, 0 plan-managed left alone"),
        again.subList(0, 1));
    assertTrue(
        again.get(1).contains("recent enough"), "nothing changed, no new checkpoint: " + again);
    assertEquals(log, longValue(db, "SELECT count(*) FROM change_log"), "nothing to log");
  }

  /** The zone file; returns how many distinct records it holds. */
  private static int write(Path file) throws IOException {
    int records = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n");
      w.write("@ NS h0\n");
      records += 2;
      for (int i = 0; i < NAMES; i++) {
        w.write("h" + i + " A 192.0.2." + (i % 250 + 1) + "\n");
        records++;
      }
      for (int i = 0; i < NAMES; i += SPLIT) {
        w.write("h" + i + " A 198.51.100." + (i / SPLIT % 250 + 1) + "\n");
        records++;
      }
    }
    return records;
  }

  private static List<String> importInChildJvm(TestDb db, Path zone) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            "dnsplane.authdns.Main",
            "zone",
            "import",
            zone.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(db.env());
    Process p = pb.start();
    List<String> out = new ArrayList<>();
    try (InputStream in = p.getInputStream()) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
    }
    int exit = p.waitFor();
    assertEquals(0, exit, "authdns zone import with -Xmx64m: " + out);
    assertTrue(!out.isEmpty(), "no output");
    // The result line and the checkpoint's; the process also logs (to stdout) what the migration
    // check found.
    return out.stream()
        .filter(l -> l.startsWith("imported ") || l.contains("snapshot checkpoint"))
        .toList();
  }
}
