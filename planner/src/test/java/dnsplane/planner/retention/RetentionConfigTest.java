package dnsplane.planner.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.retention.PrunedTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retention settings: documented defaults, "off", and bad values named at start. */
class RetentionConfigTest {

  @Test
  void defaults() {
    RetentionConfig d = RetentionConfig.defaults();
    assertTrue(d.enabled());
    assertEquals(Duration.ofSeconds(60), d.interval());
    assertEquals(10_000, d.batchSize());
    assertEquals(
        new RetentionLimits(Duration.ofDays(7), 1_000_000, 10_000),
        d.limits(PrunedTable.CHANGE_LOG));
    assertEquals(
        new RetentionLimits(Duration.ofDays(90), 1_000_000, 1), d.limits(PrunedTable.AUDIT_LOG));
  }

  @Test
  void offAndZeroSwitchARuleOff() {
    RetentionConfig c = config("off", "10000", "off", "0", "5", "0", "OFF", "1");
    assertFalse(c.enabled(), "interval off: no pass at all");
    assertFalse(c.limits(PrunedTable.CHANGE_LOG).prunes());
    assertFalse(c.limits(PrunedTable.AUDIT_LOG).prunes());
    assertFalse(config("0", "10000", "7d", "0", "5", "90d", "0", "1").enabled());
  }

  @Test
  void durationsAndNumbersInTheirUsualSpellings() {
    RetentionConfig c = config("30s", "500", "P7D", "1_000_000", "10000", "2160h", "250000", "100");
    assertEquals(Duration.ofSeconds(30), c.interval());
    assertEquals(500, c.batchSize());
    assertEquals(
        new RetentionLimits(Duration.ofDays(7), 1_000_000, 10_000),
        c.limits(PrunedTable.CHANGE_LOG));
    assertEquals(
        new RetentionLimits(Duration.ofDays(90), 250_000, 100), c.limits(PrunedTable.AUDIT_LOG));
  }

  private record Bad(String what, String[] settings, String message) {}

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    List<Bad> cases =
        List.of(
            new Bad(
                "interval not a duration",
                with(0, "soon"),
                "dnsplane.planner.retention.interval (DNSPLANE_PLANNER_RETENTION_INTERVAL) must be"
                    + " a duration"),
            new Bad(
                "batch size zero",
                with(1, "0"),
                "dnsplane.planner.retention.batch-size (DNSPLANE_PLANNER_RETENTION_BATCH_SIZE) must"
                    + " be between 1 and"),
            new Bad(
                "batch size not a number",
                with(1, "lots"),
                "dnsplane.planner.retention.batch-size (DNSPLANE_PLANNER_RETENTION_BATCH_SIZE) must"
                    + " be a whole number"),
            new Bad(
                "age in words",
                with(2, "7 days"),
                "dnsplane.planner.retention.change-log.max-age"
                    + " (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_AGE) must be a duration (10m,"
                    + " 24h, 7d, ISO-8601 P7D) or 0/off, got '7 days'"),
            new Bad(
                "negative age",
                with(5, "PT-1S"),
                "dnsplane.planner.retention.audit-log.max-age"
                    + " (DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MAX_AGE) must not be negative"),
            new Bad(
                "negative rows",
                with(3, "-1"),
                "dnsplane.planner.retention.change-log.max-rows"
                    + " (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_ROWS) must be a whole number or"
                    + " 0/off, got '-1'"),
            new Bad(
                "min-rows zero",
                with(4, "0"),
                "dnsplane.planner.retention.change-log.min-rows"
                    + " (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MIN_ROWS) must be at least 1"),
            new Bad(
                "min-rows cannot be off",
                with(7, "off"),
                "dnsplane.planner.retention.audit-log.min-rows"
                    + " (DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MIN_ROWS) must be a whole number, got"
                    + " 'off'"),
            new Bad(
                "max-rows below min-rows",
                with(3, "5000"),
                "dnsplane.planner.retention.change-log.max-rows"
                    + " (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_ROWS) must be 0/off or at least"
                    + " dnsplane.planner.retention.change-log.min-rows (10000), got '5000'"));
    for (Bad b : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> config(b.settings()), b.what());
      assertTrue(e.getMessage().startsWith(b.message()), b.what() + ": " + e.getMessage());
    }
  }

  /** The defaults with setting {@code i} (in RetentionProperties' order) replaced. */
  private static String[] with(int i, String value) {
    String[] s = {"60s", "10000", "7d", "1000000", "10000", "90d", "1000000", "1"};
    s[i] = value;
    return s;
  }

  private static RetentionConfig config(String... s) {
    return new RetentionConfig(
        new RetentionProperties(
            s[0],
            s[1],
            new RetentionProperties.ChangeLog(s[2], s[3], s[4]),
            new RetentionProperties.AuditLog(s[5], s[6], s[7])));
  }
}
