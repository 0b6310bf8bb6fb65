package dnsplane.planner.retention;

import dnsplane.db.retention.PrunedTable;
import dnsplane.planner.config.InvalidSettingException;
import dnsplane.planner.config.Setting;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * RetentionConfig is the retention settings ({@link RetentionProperties}) read into the types
 * retention works with. A bad value stops the planner at start ({@code @Context}: made with the
 * application context) with an {@link InvalidSettingException} naming the setting, its environment
 * variable and what it accepts, as does a {@code max-rows} below {@code min-rows}.
 */
@Context
public final class RetentionConfig {

  private final Duration interval;
  private final int batchSize;
  private final RetentionLimits changeLog;
  private final RetentionLimits auditLog;

  /**
   * @throws InvalidSettingException naming the first bad setting
   */
  @Inject
  public RetentionConfig(RetentionProperties p) {
    this.interval = setting("interval").durationOrOff(p.interval());
    Setting batch = setting("batch-size");
    long b = batch.wholeNumber(p.batchSize());
    if (b < 1 || b > 1_000_000) {
      throw batch.bad(p.batchSize(), "must be between 1 and 1000000");
    }
    this.batchSize = (int) b;
    RetentionProperties.ChangeLog c = p.changeLog();
    this.changeLog =
        limits(RetentionProperties.ChangeLog.PREFIX, c.maxAge(), c.maxRows(), c.minRows());
    RetentionProperties.AuditLog a = p.auditLog();
    this.auditLog =
        limits(RetentionProperties.AuditLog.PREFIX, a.maxAge(), a.maxRows(), a.minRows());
  }

  /** The defaults, as a planner without any retention setting runs. */
  public static RetentionConfig defaults() {
    return new RetentionConfig(RetentionProperties.defaults());
  }

  private static RetentionLimits limits(
      String table, String maxAge, String maxRows, String minRows) {
    Duration age = setting(table + ".max-age").durationOrOff(maxAge);
    Setting maxSetting = setting(table + ".max-rows");
    long max = maxSetting.wholeNumberOrOff(maxRows);
    Setting minSetting = setting(table + ".min-rows");
    long min = minSetting.wholeNumber(minRows);
    if (min < 1) {
      throw minSetting.bad(minRows, "must be at least 1 (the newest row is always kept)");
    }
    if (max != 0 && max < min) {
      throw maxSetting.bad(
          maxRows, "must be 0/off or at least " + minSetting.property() + " (" + min + ")");
    }
    return new RetentionLimits(age, max, min);
  }

  private static Setting setting(String name) {
    return Setting.of(RetentionProperties.PREFIX, name);
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
