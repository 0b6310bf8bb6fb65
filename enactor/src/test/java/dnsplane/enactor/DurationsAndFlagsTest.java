package dnsplane.enactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.enactor.rules.Mode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationsAndFlagsTest {

  @Test
  void durations() {
    assertEquals(Duration.ofSeconds(20), Durations.parse("20s"));
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofSeconds(20), Durations.parse("PT20S"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
    assertTrue(e.getMessage().contains("soon"));
  }

  @Test
  void flagsWithDefaultsPerAz() {
    Flags f =
        Flags.parse(
            new String[] {
              "--az",
              "az-b",
              "--mode",
              "legacy",
              "--delay",
              "DynamoDB.us-east-1.aws.test=20s",
              "--keep",
              "1"
            },
            Map.of());
    assertEquals("az-b", f.az());
    assertEquals(Mode.LEGACY, f.mode());
    assertEquals(8083, f.httpPort());
    assertEquals("127.0.0.1", f.httpHost());
    assertEquals(Map.of("dynamodb.us-east-1.aws.test.", Duration.ofSeconds(20)), f.delays());
    assertEquals(1, f.keep());
    assertEquals("127.0.0.1:1053", f.authdns());
  }

  @Test
  void environmentIsReadAndFlagsWin() {
    Flags f =
        Flags.parse(
            new String[] {"--mode", "safe"},
            Map.of(
                "DNSPLANE_ENACTOR_AZ",
                "az-c",
                "DNSPLANE_ENACTOR_MODE",
                "legacy",
                "DNSPLANE_AUTHDNS",
                "127.0.0.2:53",
                "DNSPLANE_ENACTOR_DELAYS",
                "a.aws.test.=1s"));
    assertEquals("az-c", f.az());
    assertEquals(Mode.SAFE, f.mode());
    assertEquals(8084, f.httpPort());
    assertEquals("127.0.0.2:53", f.authdns());
    assertEquals(Duration.ofSeconds(1), f.delays().get("a.aws.test."));
  }

  @Test
  void badFlagsNameTheProblem() {
    assertTrue(msg(new String[] {}).contains("--az"));
    assertTrue(msg(new String[] {"--az", "az-a", "--mode", "fast"}).contains("fast"));
    assertTrue(msg(new String[] {"--az", "az-z"}).contains("--http"));
    assertTrue(msg(new String[] {"--az", "az-a", "--keep", "0"}).contains("--keep"));
    assertTrue(msg(new String[] {"--az", "az-a", "--delay", "x"}).contains("ENDPOINT=DURATION"));
    assertTrue(msg(new String[] {"--az", "az-a", "--bogus", "1"}).contains("--bogus"));
  }

  private static String msg(String[] args) {
    return assertThrows(IllegalArgumentException.class, () -> Flags.parse(args, Map.of()))
        .getMessage();
  }
}
