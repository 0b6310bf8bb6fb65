package dnsplane.authdns;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link HeapBudget} where an operator meets it: {@code authdns serve} in a child JVM. */
@RequiresPostgres
class HeapBudgetServeTest {
  private static final long MB = 1024 * 1024;

  /**
   * The whole path as an operator meets it: {@code authdns serve} in a JVM whose heap is too small
   * for the database's zone data exits 1 with the error, and nothing was loaded or bound.
   */
  @Test
  void serveWithAHeapTooSmallForTheZoneExitsWithTheError() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    exec(db, "INSERT INTO zone (name) VALUES ('big.test.')");
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
            + " SELECT z.id, 'h' || g || '.big.test.', 'A', 300, ARRAY['192.0.2.1']"
            + " FROM zone z, generate_series(1, 150000) g");
    long rrsets = longValue(db, "SELECT count(*) FROM rrset");
    assertTrue(rrsets * HeapBudget.PEAK_BYTES_PER_RRSET > 32 * MB, "the zone must not fit 32 MB");

    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx32m",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            "dnsplane.authdns.Main",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--state-dir",
            "none");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(db.env());
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "authdns serve did not exit: " + out);
    assertEquals(1, p.exitValue(), out);
    assertTrue(
        out.contains(String.format(Locale.ROOT, "authdns: the zone data holds %,d rrsets", rrsets)),
        out);
    assertTrue(out.contains("DNSPLANE_XMX="), out);
    assertTrue(!out.contains("OutOfMemoryError"), out);
  }
}
