package dnsplane.authdns.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.sync.SyncStatus;
import java.io.IOException;
import java.time.Instant;
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
        "{\"status\":\"UP\",\"zones\":3,\"appliedSeq\":12,\"snapshotAgeMs\":250,\"dbConnected\":true,"
            + "\"changelogLag\":2,\"lastSync\":\"2026-01-01T00:00:00Z\"}",
        h.json());
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
