package dnsplane.enactor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.cli.CommandLines;
import dnsplane.enactor.rules.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class FlagsTest {

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
    EnactorConfig c = f.config();
    assertEquals("az-b", c.az());
    assertEquals(Mode.LEGACY, c.mode());
    assertEquals(8083, f.httpPort());
    assertEquals("127.0.0.1", f.httpHost());
    assertEquals(Map.of("dynamodb.us-east-1.aws.test.", Duration.ofSeconds(20)), c.delays());
    assertEquals(1, c.keep());
    assertEquals("127.0.0.1:1053", c.authdns());
    assertTrue(c.verify());
    assertEquals(EnactorConfig.DEFAULT_POLL, c.poll());
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
                "DNSPLANE_ENACTOR_KEEP",
                "5",
                "DNSPLANE_AUTHDNS",
                "127.0.0.2:53",
                "DNSPLANE_ENACTOR_DELAYS",
                "a.aws.test.=1s,b.aws.test=2m"));
    EnactorConfig c = f.config();
    assertEquals("az-c", c.az());
    assertEquals(Mode.SAFE, c.mode());
    assertEquals(5, c.keep());
    assertEquals(8084, f.httpPort());
    assertEquals("127.0.0.2:53", c.authdns());
    assertEquals(
        Map.of("a.aws.test.", Duration.ofSeconds(1), "b.aws.test.", Duration.ofMinutes(2)),
        c.delays());
  }

  @Test
  void delayFlagsReplaceTheVariablesList() {
    Flags f =
        Flags.parse(
            new String[] {"--az", "az-a", "--delay", "c.aws.test=3s", "--delay=d.aws.test=4s"},
            Map.of("DNSPLANE_ENACTOR_DELAYS", "a.aws.test=1s"));
    assertEquals(
        Map.of("c.aws.test.", Duration.ofSeconds(3), "d.aws.test.", Duration.ofSeconds(4)),
        f.config().delays());
  }

  @Test
  void anEmptyDelaysVariableMeansNoDelays() {
    Flags f = Flags.parse(new String[] {"--az", "az-a"}, Map.of("DNSPLANE_ENACTOR_DELAYS", ""));
    assertEquals(Map.of(), f.config().delays());
  }

  @Test
  void badFlagsNameTheProblem() {
    assertTrue(msg().contains("--az"));
    assertTrue(msg("--az", "az-a", "--mode", "fast").contains("fast"));
    assertTrue(msg("--az", "az-z").contains("--http"));
    assertTrue(msg("--az", "az-a", "--keep", "0").contains("--keep"));
    assertTrue(msg("--az", "az-a", "--keep", "x").contains("--keep"));
    assertTrue(msg("--az", "az-a", "--delay", "x").contains("ENDPOINT=DURATION"));
    assertTrue(msg("--az", "az-a", "--delay", "x.aws.test=soon").contains("soon"));
    assertTrue(msg("--az", "az-a", "--http", "8082").contains("HOST:PORT"));
    assertTrue(msg("--az", "az-a", "--http", "h:99999").contains("99999"));
    assertTrue(msg("--az", "AZ A", "--http", "127.0.0.1:1").contains("az must match"));
    assertTrue(msg("--az", "az-a", "--bogus", "1").contains("--bogus"));
    assertTrue(msg("--az", "--mode", "safe").contains("--az"));
  }

  @Test
  void helpListsEveryFlagAndItsVariable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        CommandLines.run(
            "enactor",
            Flags.commandLine(Map.of()),
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err,
            parsed -> 99);
    String help = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    for (String s :
        new String[] {
          "--az",
          "--mode",
          "--http",
          "--delay",
          "--keep",
          "--authdns",
          "DNSPLANE_ENACTOR_AZ",
          "DNSPLANE_ENACTOR_DELAYS",
          "DNSPLANE_AUTHDNS",
          "DNSPLANE_DB_URL"
        }) {
      assertTrue(help.contains(s), s + " missing from\n" + help);
    }
  }

  private static String msg(String... args) {
    return assertThrows(ParameterException.class, () -> Flags.parse(args, Map.of())).getMessage();
  }
}
