package dnsplane.planner.config;

import dnsplane.planner.endpoint.RiseFall;
import dnsplane.planner.plan.VelocityPolicy;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlannerConfig is every planner setting with its default. Each is a Micronaut property, so it can
 * also be set from the environment (DNSPLANE_PLANNER_HEARTBEAT → dnsplane.planner.heartbeat).
 */
@Singleton
public final class PlannerConfig {

  private static final Logger log = LoggerFactory.getLogger(PlannerConfig.class);

  private final Duration heartbeat;
  private final VelocityPolicy velocity;
  private final RiseFall riseFall;
  private final Duration checkInterval;
  private final Duration checkTimeout;
  private final String apiToken;

  public PlannerConfig(
      @Value("${dnsplane.planner.heartbeat:60s}") String heartbeat,
      @Value("${dnsplane.planner.velocity-limit:0.5}") double velocityLimit,
      @Value("${dnsplane.planner.velocity-window:10m}") String velocityWindow,
      @Value("${dnsplane.planner.velocity-step:}") String retiredVelocityStep,
      @Value("${dnsplane.planner.check.rise:2}") int rise,
      @Value("${dnsplane.planner.check.fall:3}") int fall,
      @Value("${dnsplane.planner.check.interval:2s}") String checkInterval,
      @Value("${dnsplane.planner.check.timeout:1s}") String checkTimeout,
      @Value("${dnsplane.api.token:}") String apiToken) {
    this.heartbeat = Durations.parse(heartbeat);
    if (!(velocityLimit > 0 && velocityLimit <= 1)) {
      throw new IllegalArgumentException(
          "dnsplane.planner.velocity-limit must be in (0, 1], got " + velocityLimit);
    }
    this.velocity =
        new VelocityPolicy(
            velocityLimit, positive("dnsplane.planner.velocity-window", velocityWindow));
    if (retiredVelocityStep != null && !retiredVelocityStep.isBlank()) {
      // Said out loud: a setting that silently stops working is a trap.
      log.warn(
          "dnsplane.planner.velocity-step (DNSPLANE_PLANNER_VELOCITY_STEP) is no longer used and is"
              + " ignored: held removals are re-evaluated when dnsplane.planner.velocity-window"
              + " allows the next one");
    }
    this.riseFall = new RiseFall(rise, fall);
    this.checkInterval = positive("dnsplane.planner.check.interval", checkInterval);
    this.checkTimeout = positive("dnsplane.planner.check.timeout", checkTimeout);
    this.apiToken = apiToken == null ? "" : apiToken.trim();
  }

  private static Duration positive(String name, String text) {
    Duration d = Durations.parse(text);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + text);
    }
    return d;
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

  public RiseFall riseFall() {
    return riseFall;
  }

  public Duration checkInterval() {
    return checkInterval;
  }

  public Duration checkTimeout() {
    return checkTimeout;
  }

  /** The bearer token mutating calls need; empty when authentication is off. */
  public String apiToken() {
    return apiToken;
  }
}
