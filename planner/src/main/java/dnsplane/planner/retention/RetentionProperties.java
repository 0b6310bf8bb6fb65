package dnsplane.planner.retention;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * RetentionProperties is the retention settings under {@code dnsplane.planner.retention}, with
 * their defaults. Each is a Micronaut property and so also an environment variable
 * (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_AGE → {@code
 * dnsplane.planner.retention.change-log.max-age}). The values are kept as text and read by {@link
 * RetentionConfig}, so that {@code 0}/{@code off}, bare seconds and {@code 1_000_000} work, and so
 * that a bad value is refused naming the setting, its variable and what it accepts.
 *
 * @param interval time between pruning passes; {@code 0}/{@code off}: no pruning at all
 * @param batchSize keys per delete statement (and transaction), 1 to 1000000
 * @param changeLog how much of {@code change_log} to keep
 * @param auditLog how much of {@code audit_log} to keep
 */
@ConfigurationProperties(RetentionProperties.PREFIX)
public record RetentionProperties(
    @Bindable(defaultValue = "60s") String interval,
    @Bindable(defaultValue = "10000") String batchSize,
    ChangeLog changeLog,
    AuditLog auditLog) {

  public static final String PREFIX = "dnsplane.planner.retention";

  /** The defaults, as a planner without any retention setting runs. */
  public static RetentionProperties defaults() {
    return new RetentionProperties(
        "60s",
        "10000",
        new ChangeLog("7d", "1000000", "10000"),
        new AuditLog("90d", "1000000", "1"));
  }

  /**
   * {@code change_log}'s limits: {@code dnsplane.planner.retention.change-log.*}.
   *
   * @param maxAge rows older than this go; {@code 0}/{@code off} disables the age rule
   * @param maxRows rows beyond the newest this many go; {@code 0}/{@code off} disables the rule
   * @param minRows the newest this many rows always stay; at least 1, at most {@code maxRows}
   */
  @ConfigurationProperties(ChangeLog.PREFIX)
  public record ChangeLog(
      @Bindable(defaultValue = "7d") String maxAge,
      @Bindable(defaultValue = "1000000") String maxRows,
      @Bindable(defaultValue = "10000") String minRows) {

    public static final String PREFIX = "change-log";
  }

  /**
   * {@code audit_log}'s limits: {@code dnsplane.planner.retention.audit-log.*}, as for {@link
   * ChangeLog}.
   */
  @ConfigurationProperties(AuditLog.PREFIX)
  public record AuditLog(
      @Bindable(defaultValue = "90d") String maxAge,
      @Bindable(defaultValue = "1000000") String maxRows,
      @Bindable(defaultValue = "1") String minRows) {

    public static final String PREFIX = "audit-log";
  }
}
