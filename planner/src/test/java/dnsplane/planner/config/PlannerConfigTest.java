package dnsplane.planner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.planner.endpoint.RiseFall;
import dnsplane.planner.plan.VelocityPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The planner's settings: documented defaults, their spellings, and bad values named at start. */
class PlannerConfigTest {

  @Test
  void defaults() {
    PlannerConfig c = config(Map.of());
    assertEquals(Duration.ofSeconds(60), c.heartbeat());
    assertEquals(new VelocityPolicy(0.5, Duration.ofMinutes(10)), c.velocityPolicy());
    assertEquals(new RiseFall(2, 3), c.riseFall());
    assertEquals(Duration.ofSeconds(2), c.checkInterval());
    assertEquals(Duration.ofSeconds(1), c.checkTimeout());
    assertEquals("", c.apiToken());
  }

  @Test
  void durationsAndNumbersInTheirUsualSpellings() {
    PlannerConfig c =
        config(
            Map.of(
                "heartbeat", "0",
                "velocity-limit", "1",
                "velocity-window", "PT2S",
                "check.interval", "90",
                "check.timeout", "500ms",
                "check.rise", " 1 ",
                "check.fall", "10"));
    assertEquals(Duration.ZERO, c.heartbeat(), "0 disables the heartbeat");
    assertEquals(new VelocityPolicy(1, Duration.ofSeconds(2)), c.velocityPolicy());
    assertEquals(Duration.ofSeconds(90), c.checkInterval(), "a bare number is seconds");
    assertEquals(Duration.ofMillis(500), c.checkTimeout());
    assertEquals(new RiseFall(1, 10), c.riseFall());
    assertEquals(Duration.ofDays(7), config(Map.of("heartbeat", "7d")).heartbeat());
    assertEquals(
        "t0ken",
        new PlannerConfig(PlannerProperties.defaults(), new ApiProperties(" t0ken ")).apiToken());
    assertEquals(
        "", new PlannerConfig(PlannerProperties.defaults(), new ApiProperties(" ")).apiToken());
  }

  private record Bad(String setting, String value, String message) {}

  @Test
  void badValuesAreRefusedNamingTheSettingItsVariableAndWhatItAccepts() {
    List<Bad> cases =
        List.of(
            new Bad(
                "heartbeat",
                "soon",
                "dnsplane.planner.heartbeat (DNSPLANE_PLANNER_HEARTBEAT) must be a duration (500ms,"
                    + " 2s, 10m, 24h, 7d, ISO-8601 PT2S) or 0 (no heartbeat), got 'soon'"),
            new Bad(
                "heartbeat",
                "PT-1S",
                "dnsplane.planner.heartbeat (DNSPLANE_PLANNER_HEARTBEAT) must not be negative, got"
                    + " 'PT-1S'"),
            new Bad(
                "velocity-limit",
                "0",
                "dnsplane.planner.velocity-limit (DNSPLANE_PLANNER_VELOCITY_LIMIT) must be a number"
                    + " in (0, 1] (a share: 0.5 is half, 1 no limit), got '0'"),
            new Bad(
                "velocity-limit",
                "half",
                "dnsplane.planner.velocity-limit (DNSPLANE_PLANNER_VELOCITY_LIMIT) must be a number"
                    + " in (0, 1]"),
            new Bad(
                "velocity-limit",
                "1.5",
                "dnsplane.planner.velocity-limit (DNSPLANE_PLANNER_VELOCITY_LIMIT) must be a number"
                    + " in (0, 1]"),
            new Bad(
                "velocity-window",
                "0",
                "dnsplane.planner.velocity-window (DNSPLANE_PLANNER_VELOCITY_WINDOW) must be a"
                    + " positive duration (500ms, 2s, 10m, 24h, 7d, ISO-8601 PT2S), got '0'"),
            new Bad(
                "check.interval",
                "often",
                "dnsplane.planner.check.interval (DNSPLANE_PLANNER_CHECK_INTERVAL) must be a"
                    + " positive duration"),
            new Bad(
                "check.timeout",
                "0s",
                "dnsplane.planner.check.timeout (DNSPLANE_PLANNER_CHECK_TIMEOUT) must be a positive"
                    + " duration"),
            new Bad(
                "check.rise",
                "0",
                "dnsplane.planner.check.rise (DNSPLANE_PLANNER_CHECK_RISE) must be a whole number"
                    + " of at least 1, got '0'"),
            new Bad(
                "check.fall",
                "three",
                "dnsplane.planner.check.fall (DNSPLANE_PLANNER_CHECK_FALL) must be a whole number"
                    + " of at least 1, got 'three'"));
    for (Bad b : cases) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () -> config(Map.of(b.setting(), b.value())),
              b.setting() + "=" + b.value());
      assertTrue(
          e.getMessage().startsWith(b.message()),
          b.setting() + "=" + b.value() + ": " + e.getMessage());
    }
  }

  @Test
  void theRetiredVelocityStepIsIgnoredOutLoud() {
    Logger logger = (Logger) LoggerFactory.getLogger(PlannerConfig.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      config(Map.of());
      assertEquals(List.of(), lines.list, "no warning when it is not set");
      PlannerConfig c = config(Map.of("velocity-step", "5s"));
      assertEquals(new VelocityPolicy(0.5, Duration.ofMinutes(10)), c.velocityPolicy());
      assertEquals(1, lines.list.size(), lines.list.toString());
      assertTrue(
          lines
              .list
              .get(0)
              .getFormattedMessage()
              .startsWith(
                  "dnsplane.planner.velocity-step (DNSPLANE_PLANNER_VELOCITY_STEP) is no longer"
                      + " used and is ignored"),
          lines.list.toString());
    } finally {
      logger.detachAppender(lines);
    }
  }

  /** The defaults with {@code settings} (names below dnsplane.planner) replaced. */
  static PlannerConfig config(Map<String, String> settings) {
    PlannerProperties d = PlannerProperties.defaults();
    PlannerProperties.Check c = d.check();
    PlannerProperties p =
        new PlannerProperties(
            settings.getOrDefault("heartbeat", d.heartbeat()),
            settings.getOrDefault("velocity-limit", d.velocityLimit()),
            settings.getOrDefault("velocity-window", d.velocityWindow()),
            settings.getOrDefault("velocity-step", d.velocityStep()),
            new PlannerProperties.Check(
                settings.getOrDefault("check.interval", c.interval()),
                settings.getOrDefault("check.timeout", c.timeout()),
                settings.getOrDefault("check.rise", c.rise()),
                settings.getOrDefault("check.fall", c.fall())));
    return new PlannerConfig(p, new ApiProperties(null));
  }
}
