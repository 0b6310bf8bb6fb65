package dnsplane.planner.retention;

import dnsplane.planner.config.Durations;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;

/**
 * RetentionConfig is the retention settings with their defaults. Each is a Micronaut property and
 * so also an environment variable (dnsplane.planner.retention.change-log.max-age ←
 * DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_AGE). A bad value stops the planner at start with an
 * error naming the setting. The values are read as text and parsed here, so that the error says
 * which setting is wrong and what it accepts, and so that "off" works.
 */
@Singleton
public final class RetentionConfig {

  static final String PREFIX = "dnsplane.planner.retention.";

  private final Duration interval;
  private final int batchSize;
  private final RetentionLimits changeLog;
  private final RetentionLimits auditLog;

  public RetentionConfig(
      @Value("${dnsplane.planner.retention.interval:60s}") String interval,
      @Value("${dnsplane.planner.retention.batch-size:10000}") String batchSize,
      @Value("${dnsplane.planner.retention.change-log.max-age:7d}") String changeLogMaxAge,
      @Value("${dnsplane.planner.retention.change-log.max-rows:1000000}") String changeLogMaxRows,
      @Value("${dnsplane.planner.retention.change-log.min-rows:10000}") String changeLogMinRows,
      @Value("${dnsplane.planner.retention.audit-log.max-age:90d}") String auditLogMaxAge,
      @Value("${dnsplane.planner.retention.audit-log.max-rows:1000000}") String auditLogMaxRows,
      @Value("${dnsplane.planner.retention.audit-log.min-rows:1}") String auditLogMinRows) {
    this.interval = durationOrOff("interval", interval);
    long batch = count("batch-size", batchSize, false);
    if (batch < 1 || batch > 1_000_000) {
      throw bad("batch-size", batchSize, "must be between 1 and 1000000");
    }
    this.batchSize = (int) batch;
    this.changeLog = limits("change-log.", changeLogMaxAge, changeLogMaxRows, changeLogMinRows);
    this.auditLog = limits("audit-log.", auditLogMaxAge, auditLogMaxRows, auditLogMinRows);
  }

  /** The defaults, as a planner without any retention setting runs. */
  public static RetentionConfig defaults() {
    return new RetentionConfig("60s", "10000", "7d", "1000000", "10000", "90d", "1000000", "1");
  }

  private static RetentionLimits limits(
      String table, String maxAge, String maxRows, String minRows) {
    Duration age = durationOrOff(table + "max-age", maxAge);
    long max = count(table + "max-rows", maxRows, true);
    long min = count(table + "min-rows", minRows, false);
    if (min < 1) {
      throw bad(table + "min-rows", minRows, "must be at least 1 (the newest row is always kept)");
    }
    if (max != 0 && max < min) {
      throw bad(
          table + "max-rows",
          maxRows,
          "must be 0/off or at least " + PREFIX + table + "min-rows (" + min + ")");
    }
    return new RetentionLimits(age, max, min);
  }

  /** A duration, or zero for "0"/"off". */
  private static Duration durationOrOff(String name, String text) {
    if (isOff(text)) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(name, text, "must be a duration (10m, 24h, 7d, ISO-8601 P7D) or 0/off");
    }
    if (d.isNegative()) {
      throw bad(name, text, "must not be negative");
    }
    return d;
  }

  /** A whole number; "off" reads as 0 where {@code offAllowed}. */
  private static long count(String name, String text, boolean offAllowed) {
    if (offAllowed && isOff(text)) {
      return 0;
    }
    String t = text == null ? "" : text.trim().replace("_", "");
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad(name, text, "must be a whole number" + (offAllowed ? " or 0/off" : ""));
    }
  }

  private static boolean isOff(String text) {
    return text != null && text.trim().equalsIgnoreCase("off");
  }

  private static IllegalArgumentException bad(String name, String text, String rule) {
    String property = PREFIX + name;
    String env = property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return new IllegalArgumentException(
        property + " (" + env + ") " + rule + ", got '" + text + "'");
  }

  /** How often a pass runs; zero: never (retention off). */
  public Duration interval() {
    return interval;
  }

  public boolean enabled() {
    return !interval.isZero();
  }

  /** Keys per delete statement (and per transaction). */
  public int batchSize() {
    return batchSize;
  }

  public RetentionLimits limits(PrunedTable table) {
    return table == PrunedTable.CHANGE_LOG ? changeLog : auditLog;
  }
}
