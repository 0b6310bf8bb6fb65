package dnsplane.planner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.retention.PrunedTable;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.planner.endpoint.RiseFall;
import dnsplane.planner.plan.VelocityPolicy;
import dnsplane.planner.retention.RetentionConfig;
import dnsplane.planner.retention.RetentionLimits;
import dnsplane.planner.retention.RetentionProperties;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The settings as Micronaut binds them into the records: their documented defaults, the environment
 * variables (nested settings included), and a bad value stopping the start with a message naming
 * the property and its variable.
 */
@RequiresPostgres
class SettingsBindingTest {

  /** A database nothing answers at: the start must fail on the setting before it gets there. */
  private static final Map<String, Object> NO_DATABASE =
      Map.of("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/never");

  @Test
  void withoutSettingsTheRecordsHoldTheirDocumentedDefaults() {
    TestDb db = TestPostgres.freshDatabase();
    try (ApplicationContext ctx = ApplicationContext.run(db.micronautProperties())) {
      assertEquals(PlannerProperties.defaults(), ctx.getBean(PlannerProperties.class));
      assertEquals(RetentionProperties.defaults(), ctx.getBean(RetentionProperties.class));
      assertEquals(new ApiProperties(null), ctx.getBean(ApiProperties.class));
    }
  }

  @Test
  void everySettingIsReadFromItsEnvironmentVariable() {
    TestDb db = TestPostgres.freshDatabase();
    Map<String, Object> env = new HashMap<>();
    env.put("DNSPLANE_API_TOKEN", "t0ken");
    env.put("DNSPLANE_PLANNER_HEARTBEAT", "0");
    env.put("DNSPLANE_PLANNER_VELOCITY_LIMIT", "1");
    env.put("DNSPLANE_PLANNER_VELOCITY_WINDOW", "2m");
    env.put("DNSPLANE_PLANNER_CHECK_INTERVAL", "1h");
    env.put("DNSPLANE_PLANNER_CHECK_TIMEOUT", "3s");
    env.put("DNSPLANE_PLANNER_CHECK_RISE", "4");
    env.put("DNSPLANE_PLANNER_CHECK_FALL", "5");
    env.put("DNSPLANE_PLANNER_RETENTION_INTERVAL", "off");
    env.put("DNSPLANE_PLANNER_RETENTION_BATCH_SIZE", "500");
    env.put("DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_AGE", "1d");
    env.put("DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_ROWS", "off");
    env.put("DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MIN_ROWS", "7");
    env.put("DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MAX_AGE", "0");
    env.put("DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MAX_ROWS", "2_000");
    env.put("DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MIN_ROWS", "3");
    try (ApplicationContext ctx = start(db.micronautProperties(), env)) {
      PlannerConfig c = ctx.getBean(PlannerConfig.class);
      assertEquals("t0ken", c.apiToken());
      assertEquals(Duration.ZERO, c.heartbeat());
      assertEquals(new VelocityPolicy(1, Duration.ofMinutes(2)), c.velocityPolicy());
      assertEquals(Duration.ofHours(1), c.checkInterval());
      assertEquals(Duration.ofSeconds(3), c.checkTimeout());
      assertEquals(new RiseFall(4, 5), c.riseFall());
      RetentionConfig r = ctx.getBean(RetentionConfig.class);
      assertFalse(r.enabled());
      assertEquals(500, r.batchSize());
      assertEquals(new RetentionLimits(Duration.ofDays(1), 0, 7), r.limits(PrunedTable.CHANGE_LOG));
      assertEquals(new RetentionLimits(Duration.ZERO, 2_000, 3), r.limits(PrunedTable.AUDIT_LOG));
    }
  }

  @Test
  void aBadValueStopsTheStartNamingThePropertyAndItsVariable() {
    Map<String, Object> props = new HashMap<>(NO_DATABASE);
    props.put("dnsplane.planner.check.rise", "0");
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> ApplicationContext.run(props).close());
    assertTrue(
        messages(e)
            .contains(
                "dnsplane.planner.check.rise (DNSPLANE_PLANNER_CHECK_RISE) must be a whole number"
                    + " of at least 1, got '0'"),
        messages(e));

    RuntimeException fromEnv =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                        NO_DATABASE,
                        Map.of("DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MAX_AGE", "3 months"))
                    .close());
    assertTrue(
        messages(fromEnv)
            .contains(
                "dnsplane.planner.retention.audit-log.max-age"
                    + " (DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MAX_AGE) must be a duration (10m,"
                    + " 24h, 7d, ISO-8601 P7D) or 0/off, got '3 months'"),
        messages(fromEnv));
  }

  /** A context with {@code props} and {@code env} read as the process environment is. */
  private static ApplicationContext start(Map<String, Object> props, Map<String, Object> env) {
    return ApplicationContext.builder()
        .properties(props)
        .propertySources(
            PropertySource.of(
                "test-env", env, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
        .start();
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
