package dnsplane.planner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.config.Durations;
import dnsplane.planner.endpoint.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

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
    assertEquals(
        new HostPort("127.0.0.1", 2),
        Application.parse(new String[] {"--http", "127.0.0.1:1", "--http=127.0.0.1:2"}, Map.of())
            .http(),
        "the last of a repeated flag wins");
  }

  @Test
  void badArgumentsAreNamed() {
    assertBad("Unknown option: '--listen'", "--listen");
    assertBad("'--listen'", "--listen", "x");
    assertBad("Missing required parameter for option '--http' (HOST:PORT)", "--http");
    assertBad(
        "Invalid value for option '--http': expected HOST:PORT, got 1.2.3.4", "--http", "1.2.3.4");
    assertBad(
        "Invalid value for option '--http': port 70000 is out of range 0-65535",
        "--http",
        "h:70000");
    assertBad(
        "Invalid value for option '--http': bracket IPv6 hosts as [::1]:PORT, got ::1:80",
        "--http",
        "::1:80");
    ParameterException fromEnv =
        assertThrows(
            ParameterException.class,
            () -> Application.parse(new String[0], Map.of("DNSPLANE_PLANNER_HTTP", "nowhere")));
    assertEquals(
        "Invalid value for DNSPLANE_PLANNER_HTTP (the default of --http): expected HOST:PORT, got"
            + " nowhere",
        fromEnv.getMessage());
  }

  @Test
  void helpExitsZeroAndListsTheVariables() {
    Run r = run(Map.of(), "--help");
    assertEquals(0, r.code());
    assertEquals("", r.err());
    assertTrue(r.out().startsWith("Usage: planner [-h] [--http=HOST:PORT]"), r.out());
    assertTrue(r.out().contains("--http=HOST:PORT"), r.out());
    assertTrue(r.out().contains("DNSPLANE_PLANNER_HTTP"), r.out());
    // The settings, with the defaults Micronaut binds.
    assertTrue(r.out().matches("(?s).*\n  DNSPLANE_API_TOKEN +unset.*"), r.out());
    assertTrue(r.out().matches("(?s).*\n  DNSPLANE_PLANNER_HEARTBEAT +60s\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\n  DNSPLANE_PLANNER_CHECK_RISE +2\n.*"), r.out());
    assertTrue(
        r.out().matches("(?s).*\n  DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_AGE +7d\n.*"),
        r.out());
    assertTrue(
        r.out().matches("(?s).*\n  DNSPLANE_PLANNER_RETENTION_AUDIT_LOG_MIN_ROWS +1\n.*"), r.out());
    assertTrue(!r.out().contains("VELOCITY_STEP"), "the retired setting is not offered");
    assertEquals(0, run(Map.of(), "-h").code());
  }

  @Test
  void anUnknownFlagExitsTwoNamingIt() {
    Run r = run(Map.of(), "--bogus");
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("planner: Unknown option: '--bogus'\n"), r.err());
    assertTrue(r.err().contains("usage: planner [-h] [--http=HOST:PORT]"), r.err());
  }

  @Test
  void aBadListenAddressExitsTwoBeforeTouchingAnything() {
    Run flag = run(Map.of("DNSPLANE_DB_URL", "jdbc:postgresql://127.0.0.1:1/never"), "--http", "x");
    assertEquals(2, flag.code());
    assertTrue(
        flag.err().startsWith("planner: Invalid value for option '--http': expected HOST:PORT"),
        flag.err());
    Run open =
        run(
            Map.of("DNSPLANE_DB_URL", "jdbc:postgresql://127.0.0.1:1/never"),
            "--http",
            "0.0.0.0:8081");
    assertEquals(2, open.code());
    assertTrue(
        open.err()
            .startsWith("planner: refusing to listen on 0.0.0.0:8081 without DNSPLANE_API_TOKEN"),
        open.err());
    Run viaEnv =
        run(
            Map.of(
                "DNSPLANE_PLANNER_HTTP", "192.0.2.1:8081",
                "DNSPLANE_API_TOKEN", " ",
                "DNSPLANE_DB_URL", "jdbc:postgresql://127.0.0.1:1/never"));
    assertEquals(2, viaEnv.code());
    assertTrue(
        viaEnv.err().startsWith("planner: refusing to listen on 192.0.2.1:8081"), viaEnv.err());
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

  private static void assertBad(String message, String... args) {
    ParameterException e =
        assertThrows(ParameterException.class, () -> Application.parse(args, Map.of()));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private record Run(int code, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Application.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
