package dnsplane.enactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.enactor.api.EnactorRuntime;
import dnsplane.enactor.config.EnactorConfig;
import dnsplane.enactor.config.Flags;
import dnsplane.enactor.rules.Mode;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line reaches the running enactor as it was parsed, once, with nothing lost. */
class ApplicationTest {

  @Test
  void theParsedCommandLineIsTheRunningEnactorsConfiguration() {
    TestDb db = TestPostgres.freshDatabase();
    Flags flags =
        Flags.parse(
            new String[] {
              "--az",
              "az-b",
              "--http",
              "127.0.0.1:0",
              "--mode",
              "legacy",
              "--keep",
              "2",
              "--delay",
              "slow.aws.test=20m"
            },
            Map.of());
    try (ApplicationContext ctx = Application.start(flags, db.settings(), null)) {
      assertSame(flags.config(), ctx.getBean(EnactorConfig.class));
      EnactorRuntime runtime = ctx.getBean(EnactorRuntime.class);
      assertEquals(Mode.LEGACY, runtime.enactor().mode());
      assertEquals(
          Map.of("slow.aws.test.", Duration.ofMinutes(20)), runtime.enactor().faults().delays());
    }
  }

  @Test
  void propertiesAloneStillMakeAnEnactor() {
    TestDb db = TestPostgres.freshDatabase();
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "micronaut.server.port", "-1",
                "enactor.az", "az-c",
                "enactor.mode", "legacy",
                "enactor.verify", "false",
                "enactor.poll", "200ms",
                "enactor.db.url", db.settings().jdbcUrl(),
                "enactor.db.user", db.settings().user(),
                "enactor.db.password", db.settings().password()))) {
      EnactorConfig config = ctx.getBean(EnactorConfig.class);
      assertEquals("az-c", config.az());
      assertEquals(Mode.LEGACY, config.mode());
      assertEquals(Duration.ofMillis(200), config.poll());
      assertEquals(Map.of(), config.delays());
      assertEquals(Mode.LEGACY, ctx.getBean(EnactorRuntime.class).enactor().mode());
    }
  }
}
