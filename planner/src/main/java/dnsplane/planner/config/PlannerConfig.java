package dnsplane.planner.config;

import dnsplane.planner.endpoint.RiseFall;
import dnsplane.planner.plan.VelocityPolicy;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Inject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlannerConfig is the planner's settings ({@link PlannerProperties}, {@link ApiProperties}) read
 * into the types the planner works with. A bad value stops the planner at start ({@code @Context}:
 * made with the application context, whoever uses it) with an {@link InvalidSettingException}
 * naming the setting and its environment variable.
 */
@Context
public final class PlannerConfig {

  private static final Logger log = LoggerFactory.getLogger(PlannerConfig.class);

  private final Duration heartbeat;
  private final VelocityPolicy velocity;
  private final RiseFall riseFall;
  private final Duration checkInterval;
  private final Duration checkTimeout;
  private final String apiToken;

  /**
   * @throws InvalidSettingException naming the first bad setting
   */
  @Inject
  public PlannerConfig(PlannerProperties planner, ApiProperties api) {
    String p = PlannerProperties.PREFIX;
    this.heartbeat = Setting.of(p, "heartbeat").duration(planner.heartbeat(), "no heartbeat");
    this.velocity =
        new VelocityPolicy(
            Setting.of(p, "velocity-limit").share(planner.velocityLimit()),
            Setting.of(p, "velocity-window").positiveDuration(planner.velocityWindow()));
    if (planner.velocityStep() != null && !planner.velocityStep().isBlank()) {
      // Said out loud: a setting that silently stops working is a trap.
      log.warn(
          "dnsplane.planner.velocity-step (DNSPLANE_PLANNER_VELOCITY_STEP) is no longer used and is"
              + " ignored: held removals are re-evaluated when dnsplane.planner.velocity-window"
              + " allows the next one");
    }
    PlannerProperties.Check check = planner.check();
    String c = p + "." + PlannerProperties.Check.PREFIX;
    this.riseFall =
        new RiseFall(
            Setting.of(c, "rise").wholeNumber(check.rise(), 1, Integer.MAX_VALUE),
            Setting.of(c, "fall").wholeNumber(check.fall(), 1, Integer.MAX_VALUE));
    this.checkInterval = Setting.of(c, "interval").positiveDuration(check.interval());
    this.checkTimeout = Setting.of(c, "timeout").positiveDuration(check.timeout());
    this.apiToken = api.token() == null ? "" : api.token().trim();
  }

  /** How often a plan is written even without change; zero disables the heartbeat. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /**
   * The velocity limit: the largest share of an endpoint's published healthy targets of one address
   * family that health may remove within the window.
   */
  public VelocityPolicy velocityPolicy() {
    return velocity;
  }

  /** The active checks' thresholds. */
  public RiseFall riseFall() {
    return riseFall;
  }

  /** How often every actively checked target is probed. */
  public Duration checkInterval() {
    return checkInterval;
  }

  /** How long one probe may take. */
  public Duration checkTimeout() {
    return checkTimeout;
  }

  /** The bearer token mutating calls need; empty when authentication is off. */
  public String apiToken() {
    return apiToken;
  }
}
