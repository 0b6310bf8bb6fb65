package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.db.zone.RrsetRow;
import dnsplane.db.zone.ZoneReader;
import java.io.OutputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * The streaming import: rrsets grouped wherever their records are in the file, a re-import that
 * writes nothing, a changed file that writes exactly what changed, and files that are not plain
 * regular files.
 */
@RequiresPostgres
class StreamingImportTest {

  /** Records of www A, mail MX and the apex NS are spread out; some repeat, with other TTLs. */
  static final String SCATTERED =
      """
      $ORIGIN scatter.test.
      $TTL 300
      www   A    192.0.2.2
      @     NS   ns1
      www   A    192.0.2.1
      @     SOA  ns1 hostmaster 7 7200 3600 1209600 60
      mail  MX   10 mx1
      ns1   A    192.0.2.53
      www   60 A 192.0.2.3
      @     NS   ns2
      mail  MX   20 mx2
      www   A    192.0.2.1
      txt   TXT  "tab\\009and \\\\ backslash"
      mail  30 MX 10 mx1
      """;

  private TestDb db;

  @BeforeEach
  void freshDatabase() {
    db = TestPostgres.freshDatabase();
  }

  @Test
  void recordsOfOneRrsetAnywhereInTheFileAreOneRow() throws Exception {
    ImportResult r = ZoneImporter.importText(db.settings(), SCATTERED, null);

    assertEquals(6, r.inserted(), r.toString());
    assertEquals(10, r.records(), "repeated records count once: " + r);
    Map<RrsetRow.Key, RrsetRow> rows = rows("scatter.test.");
    assertEquals(
        new RrsetRow("www.scatter.test.", "A", 60, List.of("192.0.2.2", "192.0.2.1", "192.0.2.3")),
        rows.get(new RrsetRow.Key("www.scatter.test.", "A")),
        "first-appearance order, duplicates once, the smallest TTL");
    assertEquals(
        new RrsetRow(
            "mail.scatter.test.",
            "MX",
            30,
            List.of("10 mx1.scatter.test.", "20 mx2.scatter.test.")),
        rows.get(new RrsetRow.Key("mail.scatter.test.", "MX")));
    assertEquals(
        List.of("\"tab\\009and \\\\ backslash\""), rdata(rows, "txt.scatter.test.", "TXT"));
    // The same rows the in-memory parse makes of the file.
    assertEquals(ZoneFileParser.parse(SCATTERED, null).rrsets(), rows);
  }

  @Test
  void reimportingTheSameFileWritesNothing() throws Exception {
    ZoneImporter.importText(db.settings(), SCATTERED, null);
    Map<RrsetRow.Key, RrsetRow> before = rows("scatter.test.");
    long versions = longValue(db, "SELECT sum(version) FROM rrset");
    long log = changeLogRows();
    long serial = longValue(db, "SELECT serial FROM zone");

    ImportResult again = ZoneImporter.importText(db.settings(), SCATTERED, null);

    assertEquals(0, again.written(), again.toString());
    assertEquals(6, again.unchanged(), again.toString());
    assertEquals(log, changeLogRows(), "no change_log rows");
    assertEquals(serial, longValue(db, "SELECT serial FROM zone"), "no serial bump");
    assertEquals(versions, longValue(db, "SELECT sum(version) FROM rrset"), "no row touched");
    assertEquals(before, rows("scatter.test."));
  }

  @Test
  void aChangedFileWritesExactlyTheRrsetsThatDiffer() throws Exception {
    ZoneImporter.importText(db.settings(), SCATTERED, null);
    long seq = longValue(db, "SELECT coalesce(max(seq), 0) FROM change_log");
    String changed =
        SCATTERED
                // the SOA serial is not data: no write
                .replace("hostmaster 7 7200", "hostmaster 8 7200")
                // the same www records in another order, and one of the duplicates gone: no write
                .replace("www   A    192.0.2.1\ntxt", "txt")
                .replace("www   A    192.0.2.2\n", "")
                .replace("ns1   A    192.0.2.53\n", "ns1   A    192.0.2.53\nwww   A    192.0.2.2\n")
                // mail MX: a new TTL (update); txt: gone (delete); new A (insert)
                .replace("mail  30 MX 10 mx1", "mail  20 MX 10 mx1")
                .replace("txt   TXT  \"tab\\009and \\\\ backslash\"\n", "")
            + "new   A    198.51.100.1\n";

    ImportResult r = ZoneImporter.importText(db.settings(), changed, null);

    assertEquals(1, r.inserted(), r.toString());
    assertEquals(1, r.updated(), r.toString());
    assertEquals(1, r.deleted(), r.toString());
    assertEquals(4, r.unchanged(), r.toString());
    assertEquals(
        List.of(
            "delete txt.scatter.test. TXT", "set mail.scatter.test. MX", "set new.scatter.test. A"),
        changesSince(seq),
        "one change_log row per rrset that differs, deletes, updates, inserts");
    assertEquals(
        ZoneFileParser.parse(changed, null).rrsets().keySet(), rows("scatter.test.").keySet());
    assertEquals(20, rows("scatter.test.").get(new RrsetRow.Key("mail.scatter.test.", "MX")).ttl());
  }

  @Test
  void aFileImportsFromAPipeToo(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("zone.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    // Opening a FIFO for writing waits for the reader: the import's open is the hand-over.
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(SCATTERED.getBytes(StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    ImportResult r = ZoneImporter.importFile(db.settings(), fifo, null);

    writer.get(30, TimeUnit.SECONDS);
    assertEquals(6, r.inserted(), r.toString());
    assertEquals(ZoneFileParser.parse(SCATTERED, null).rrsets(), rows("scatter.test."));
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith("dnsplane-zone-import-")),
          "the copy of the pipe is deleted");
    }
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedAsAWholeFileReadRefusesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.zone");
    byte[] text = SCATTERED.replace("backslash", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, text);

    assertThrows(MalformedInputException.class, () -> Files.readString(file));
    assertThrows(
        MalformedInputException.class, () -> ZoneImporter.importFile(db.settings(), file, null));
    assertEquals(0, longValue(db, "SELECT count(*) FROM zone"));
  }

  /**
   * Every way a file is refused: the streaming import says what the in-memory parse says, with the
   * same line, and changes nothing.
   */
  @Test
  void theImportRefusesWhatTheParseRefusesWithTheSameMessage() throws Exception {
    String head = "$ORIGIN bad.test.\n@ 300 SOA ns1 h 1 2 3 4 5\n@ 300 NS ns1\n";
    Name origin = Name.fromString("bad.test.");
    List<String> files =
        List.of(
            head + "www 300 A 192.0.2.999\n",
            "$ORIGIN bad.test.\n@ 300 NS ns1\nns1 300 A 192.0.2.1\n",
            "@ 300 SOA ns1 h 1 2 3 4 5\n",
            head + "x.example.com. 300 A 192.0.2.1\n",
            head + "www 300 CH A 192.0.2.1\n",
            head + "www 300 ANY \\# 0\n",
            head + "a 300 CNAME b\na 300 A 192.0.2.1\n",
            head + "a 300 CNAME b\na 300 CNAME c\n",
            head + "sub 300 SOA ns1 h 1 2 3 4 5\n",
            head + "@ 300 SOA ns2 h 1 2 3 4 5\n",
            "$ORIGIN bad.test.\n@ 300 SOA ns1 h 1 2 3 4 5\nns1 300 A 192.0.2.1\n",
            head + "www 300 A 192.0.2.1\n;dnsplane-empty www.bad.test. 300 A\n",
            head + ";dnsplane-empty e.bad.test. 300 A\n;dnsplane-empty e.bad.test. 60 A\n",
            head + ";dnsplane-empty e.bad.test. 300\n",
            head + ";dnsplane-empty e.example.com. 300 A\n",
            head + ";dnsplane-empty ns1.bad.test. 3x A\nns1 300 A 192.0.2.1\n",
            head + ";dnsplane-empty e.bad.test. 3x A\n;dnsplane-empty e.bad.test. 300 A\n",
            // several problems: the one a whole-file parse names first wins
            head + "x.example.com. 300 A 192.0.2.1\nwww 300 A 192.0.2.999\n",
            head + "a 300 CNAME b\na 300 A 192.0.2.1\nx.example.com. 300 A 192.0.2.1\n",
            head + ";dnsplane-empty a.bad.test. 300 A\na 300 CNAME b\na 300 CNAME c\n",
            "$INCLUDE /etc/passwd\n");
    for (String file : files) {
      for (Name given : new Name[] {null, origin}) {
        ZoneFileException parsed =
            assertThrows(ZoneFileException.class, () -> ZoneFileParser.parse(file, given), file);
        ZoneFileException imported =
            assertThrows(
                ZoneFileException.class,
                () -> ZoneImporter.importText(db.settings(), file, given),
                file);
        assertEquals(parsed.getMessage(), imported.getMessage(), file);
        assertEquals(parsed.line(), imported.line(), file);
      }
    }
    assertEquals(0, longValue(db, "SELECT count(*) FROM zone"), "nothing imported");
  }

  private Map<RrsetRow.Key, RrsetRow> rows(String zone) throws SQLException {
    try (Connection c = db.connect()) {
      return ZoneReader.rrsets(c, ZoneReader.zoneId(c, zone).orElseThrow());
    }
  }

  private static List<String> rdata(Map<RrsetRow.Key, RrsetRow> rows, String name, String type) {
    return rows.get(new RrsetRow.Key(name, type)).rdata();
  }

  private long changeLogRows() throws SQLException {
    return longValue(db, "SELECT count(*) FROM change_log");
  }

  private List<String> changesSince(long seq) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT op, name, type FROM change_log WHERE seq > ? ORDER BY seq")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
      }
    }
    assertEquals(Set.copyOf(out).size(), out.size(), "each rrset once: " + out);
    return out;
  }
}
