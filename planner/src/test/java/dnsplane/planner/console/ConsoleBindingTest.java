package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's settings as Micronaut binds them: defaults, environment variables, a bad value. */
@RequiresPostgres
class ConsoleBindingTest {

  @Test
  void defaultsAndEnvironmentVariables() {
    TestDb db = TestPostgres.freshDatabase();
    try (ApplicationContext ctx = ApplicationContext.run(db.micronautProperties())) {
      assertEquals(ConsoleProperties.defaults(), ctx.getBean(ConsoleProperties.class));
    }
    Map<String, Object> env =
        Map.of(
            "DNSPLANE_CONSOLE_AUTHDNS", "127.0.0.1:1353",
            "DNSPLANE_CONSOLE_RESOLVERS", "resolver=127.0.0.1:1354,resolver-noguard=127.0.0.1:1364",
            "DNSPLANE_CONSOLE_ENACTORS", "az-a=http://127.0.0.1:8382,az-b=http://127.0.0.1:8383",
            "DNSPLANE_CONSOLE_PROBE_INTERVAL", "2s",
            "DNSPLANE_CONSOLE_HISTORY", "5m",
            "DNSPLANE_CONSOLE_MAX_PROBED", "9");
    try (ApplicationContext ctx = start(db.micronautProperties(), env)) {
      ConsoleSettings s = ctx.getBean(ConsoleSettings.class);
      assertEquals(
          List.of("authdns", "resolver", "resolver-noguard"),
          s.servers().stream().map(DnsServer::name).toList());
      assertEquals(URI.create("http://127.0.0.1:8383"), s.enactors().get("az-b"));
      assertEquals(Duration.ofSeconds(2), s.probeInterval());
      assertEquals(Duration.ofMinutes(5), s.history());
      assertEquals(9, s.maxProbed());
    }
  }

  @Test
  void authdnsEmptyOrOffIsNotAsked() {
    TestDb db = TestPostgres.freshDatabase();
    for (String off : new String[] {"", "off"}) {
      try (ApplicationContext ctx =
          start(db.micronautProperties(), Map.of("DNSPLANE_CONSOLE_AUTHDNS", off))) {
        assertEquals(List.of(), ctx.getBean(ConsoleSettings.class).servers(), "'" + off + "'");
      }
    }
  }

  @Test
  void aBadValueStopsTheStartNamingItsVariable() {
    Map<String, Object> props =
        Map.of("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/never");
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> start(props, Map.of("DNSPLANE_CONSOLE_RESOLVERS", "127.0.0.1:1354")).close());
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    assertTrue(
        b.toString()
            .contains(
                "dnsplane.console.resolvers (DNSPLANE_CONSOLE_RESOLVERS) must be a comma-separated"
                    + " list of name=HOST:PORT, got '127.0.0.1:1354'"),
        b.toString());
  }

  private static ApplicationContext start(Map<String, Object> props, Map<String, Object> env) {
    return ApplicationContext.builder()
        .properties(props)
        .propertySources(
            PropertySource.of(
                "test-env", env, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
        .start();
  }
}
