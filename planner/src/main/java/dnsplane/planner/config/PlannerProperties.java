package dnsplane.planner.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * PlannerProperties is the planner's settings under {@code dnsplane.planner}, with their defaults.
 * Each is a Micronaut property and so also an environment variable: Micronaut reads
 * DNSPLANE_PLANNER_CHECK_RISE as {@code dnsplane.planner.check.rise}. The values are kept as text
 * and read by {@link PlannerConfig}, which refuses a bad one naming the setting, its variable and
 * what it accepts, and which reads durations in the planner's spellings (a bare {@code 60} is 60
 * seconds; Micronaut's own conversion would read milliseconds). The retention settings, under
 * {@code dnsplane.planner.retention}, are the retention package's own.
 *
 * @param heartbeat how often a plan is written even without change; {@code 0} disables it
 * @param velocityLimit the share, in (0, 1], of a family's published healthy addresses that health
 *     may remove within a window; {@code 1} removes the limit
 * @param velocityWindow the velocity limit's window; every planner of a database must use the same
 * @param velocityStep retired: ignored, with a warning at start
 * @param check the active health checks
 */
@ConfigurationProperties(PlannerProperties.PREFIX)
public record PlannerProperties(
    @Bindable(defaultValue = "60s") String heartbeat,
    @Bindable(defaultValue = "0.5") String velocityLimit,
    @Bindable(defaultValue = "10m") String velocityWindow,
    @Nullable String velocityStep,
    Check check) {

  public static final String PREFIX = "dnsplane.planner";

  /** The defaults, as a planner without any setting runs. */
  public static PlannerProperties defaults() {
    return new PlannerProperties("60s", "0.5", "10m", null, new Check("2s", "1s", "2", "3"));
  }

  /**
   * The active health checks: {@code dnsplane.planner.check.*}.
   *
   * @param interval how often every actively checked target is probed
   * @param timeout how long one probe may take
   * @param rise consecutive successes that turn an unhealthy target healthy
   * @param fall consecutive failures that turn a healthy target unhealthy
   */
  @ConfigurationProperties(Check.PREFIX)
  public record Check(
      @Bindable(defaultValue = "2s") String interval,
      @Bindable(defaultValue = "1s") String timeout,
      @Bindable(defaultValue = "2") String rise,
      @Bindable(defaultValue = "3") String fall) {

    public static final String PREFIX = "check";
  }
}
