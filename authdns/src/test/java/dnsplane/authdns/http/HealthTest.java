package dnsplane.authdns.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.sync.Rejection;
import dnsplane.authdns.sync.SyncStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void startingIs503UntilTheFirstLoad() {
    Health h = Health.of(new SyncStatus(false, false, 0, 0, null, 0, 0, 0), 0, T0);
    assertEquals(503, h.httpStatus());
    assertEquals("STARTING", h.status());
    assertTrue(h.json().contains("\"snapshotAgeMs\":null"), h.json());
  }

  @Test
  void upWhenConnected() {
    Health h = Health.of(new SyncStatus(true, true, 12, 14, T0, 0, 0, 0), 3, T0.plusMillis(250));
    assertEquals(200, h.httpStatus());
    assertEquals(
        "{\"status\":\"UP\",\"zones\":3,\"appliedSeq\":12,\"snapshotAgeMs\":250,"
            + "\"restoredFromDisk\":false,\"dbConnected\":true,"
            + "\"changelogLag\":2,\"lastSync\":\"2026-01-01T00:00:00Z\",\"rejectedRrsets\":0,"
            + "\"rejected\":[]}",
        h.json());
  }

  @Test
  void degradedNamingTheRrsetsWhoseChangeWasRejected() throws IOException {
    Rejection r =
        new Rejection(
            "example.org.",
            "www.example.org.",
            "A",
            13,
            "www.example.org. A: rdata \"192.0.2.300\" does not parse: bad address");
    SyncStatus s = new SyncStatus(true, true, 14, 14, T0, 0, 0, 1, List.of(r), 1);
    Health h = Health.of(s, 1, T0);
    assertEquals(200, h.httpStatus(), "DNS is still answered");
    assertEquals("DEGRADED", h.status());
    assertTrue(
        h.json()
            .endsWith(
                "\"rejectedRrsets\":1,\"rejected\":[{\"rrset\":\"www.example.org. A\","
                    + "\"zone\":\"example.org.\",\"seq\":13,\"reason\":\"www.example.org. A:"
                    + " rdata \\\"192.0.2.300\\\" does not parse: bad address\"}]}"),
        h.json());

    StringBuilder out = new StringBuilder();
    SyncMetrics.write(out, s, 1, 5, T0);
    assertTrue(
        out.toString().contains("\ndnsplane_authdns_sync_rejected_rrsets 1\n"), out.toString());
    assertTrue(
        out.toString().contains("\ndnsplane_authdns_sync_rejected_changes_total 1\n"),
        out.toString());
  }

  @Test
  void aLongListOfRejectedRrsetsIsCutButCounted() {
    List<Rejection> many =
        java.util.stream.IntStream.range(0, 50)
            .mapToObj(i -> new Rejection("z.", "n" + i + ".z.", "A", i, "bad"))
            .toList();
    Health h = Health.of(new SyncStatus(true, true, 50, 50, T0, 0, 0, 0, many, 50), 1, T0);
    assertTrue(h.json().contains("\"rejectedRrsets\":50,"), h.json());
    assertEquals(20, h.json().split("\"rrset\":", -1).length - 1, h.json());
  }

  @Test
  void degradedButStill200WhenTheDatabaseIsGone() {
    Health h = Health.of(new SyncStatus(true, false, 12, 12, T0, 1, 0, 0), 1, T0.plusSeconds(90));
    assertEquals(200, h.httpStatus());
    assertEquals("DEGRADED", h.status());
    assertTrue(h.json().contains("\"snapshotAgeMs\":90000"), h.json());
    assertTrue(h.json().contains("\"dbConnected\":false"), h.json());
  }

  @Test
  void aCopyRestoredFromDiskIsDegradedUntilTheDatabaseConfirmsIt() throws IOException {
    SyncStatus restored =
        new SyncStatus(true, true, 12, 12, T0, 0, 0, 0, java.util.List.of(), 0, true);
    Health h = Health.of(restored, 1, T0.plusSeconds(600));
    assertEquals(200, h.httpStatus());
    assertEquals("DEGRADED", h.status(), "connected, but the catch-up has not confirmed it yet");
    assertTrue(h.json().contains("\"restoredFromDisk\":true"), h.json());
    assertTrue(h.json().contains("\"snapshotAgeMs\":600000"), h.json());
    StringBuilder out = new StringBuilder();
    SyncMetrics.write(out, restored, 1, 5, T0.plusSeconds(600));
    assertTrue(out.toString().contains("\ndnsplane_authdns_snapshot_restored 1\n"), out.toString());
    assertTrue(out.toString().contains("\ndnsplane_authdns_snapshot_age_seconds 600.0\n"));
  }

  @Test
  void metricsNameTheFreshnessGauges() throws IOException {
    StringBuilder out = new StringBuilder();
    SyncMetrics.write(
        out, new SyncStatus(true, true, 12, 15, T0, 2, 1, 0), 2, 40, T0.plusSeconds(3));
    String text = out.toString();
    assertTrue(text.contains("\ndnsplane_authdns_snapshot_age_seconds 3.0\n"), text);
    assertTrue(text.contains("\ndnsplane_authdns_changelog_lag 3\n"), text);
    assertTrue(text.contains("\ndnsplane_authdns_applied_seq 12\n"), text);
    assertTrue(text.contains("\ndnsplane_authdns_zones 2\n"), text);
    assertTrue(text.contains("\ndnsplane_authdns_records 40\n"), text);
    assertTrue(text.contains("# TYPE dnsplane_authdns_db_reconnects_total counter\n"), text);
  }
}
