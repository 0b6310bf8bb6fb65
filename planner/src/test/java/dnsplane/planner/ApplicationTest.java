package dnsplane.planner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.config.Durations;
import dnsplane.planner.endpoint.HostPort;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line, the listen policy and configuration parsing. */
class ApplicationTest {

  @Test
  void httpDefaultsFlagAndEnv() {
    assertEquals(
        new HostPort("127.0.0.1", 8081), Application.parse(new String[0], Map.of()).http());
    assertEquals(
        new HostPort("127.0.0.1", 9),
        Application.parse(new String[0], Map.of("DNSPLANE_PLANNER_HTTP", "127.0.0.1:9")).http());
    assertEquals(
        new HostPort("::1", 8090),
        Application.parse(
                new String[] {"--http", "[::1]:8090"}, Map.of("DNSPLANE_PLANNER_HTTP", "x:1"))
            .http());
    assertEquals(
        new HostPort("localhost", 1),
        Application.parse(new String[] {"--http=localhost:1"}, Map.of()).http());
  }

  @Test
  void badArgumentsAreNamed() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Application.parse(new String[] {"--listen", "x"}, Map.of()))
            .getMessage()
            .contains("--listen"));
    assertThrows(
        IllegalArgumentException.class, () -> Application.parse(new String[] {"--http"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Application.parse(new String[] {"--http", "1.2.3.4"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Application.parse(new String[] {"--http", "h:70000"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Application.parse(new String[] {"--http", "::1:80"}, Map.of()));
  }

  @Test
  void refusesNonLoopbackWithoutToken() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Application.requireSafeListen(HostPort.parse("0.0.0.0:8081"), null));
    assertTrue(e.getMessage().contains("DNSPLANE_API_TOKEN"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Application.requireSafeListen(HostPort.parse("192.0.2.1:8081"), " "));
    assertDoesNotThrow(
        () -> Application.requireSafeListen(HostPort.parse("0.0.0.0:8081"), "secret"));
    assertDoesNotThrow(() -> Application.requireSafeListen(HostPort.parse("127.0.0.1:8081"), null));
    assertDoesNotThrow(() -> Application.requireSafeListen(HostPort.parse("127.8.9.1:8081"), null));
    assertDoesNotThrow(() -> Application.requireSafeListen(HostPort.parse("[::1]:8081"), null));
    assertDoesNotThrow(() -> Application.requireSafeListen(HostPort.parse("localhost:8081"), null));
  }

  @Test
  void durations() {
    assertEquals(Duration.ZERO, Durations.parse("0"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(60), Durations.parse("60"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("PT2S"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
  }
}
