package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class EmbeddedPostgresOptionsTest {

  @Test
  void defaultsLiveUnderTheStateFolder() {
    EmbeddedPostgresOptions o =
        EmbeddedPostgresOptions.parse(new String[0], Map.of("DNSPLANE_STATE_DIR", "/srv/state"));
    assertEquals(5432, o.port());
    assertEquals(Path.of("/srv/state/pg"), o.dataDir());
    assertEquals(Path.of("/srv/state/pg-bin"), o.workDir());
    assertEquals(Path.of("/srv/state/run/db-embedded.pid"), o.pidFile());
  }

  @Test
  void flagsOverrideTheEnvironment() {
    EmbeddedPostgresOptions o =
        EmbeddedPostgresOptions.parse(
            new String[] {"--port", "55432", "--data-dir=/tmp/x/data", "--pid-file", "/tmp/p"},
            Map.of("DNSPLANE_PG_PORT", "6000"));
    assertEquals(55432, o.port());
    assertEquals(Path.of("/tmp/x/data"), o.dataDir());
    assertEquals(Path.of("/tmp/x/data-bin"), o.workDir());
    assertEquals(Path.of("/tmp/p"), o.pidFile());
  }

  @Test
  void portFromTheEnvironment() {
    assertEquals(
        6000,
        EmbeddedPostgresOptions.parse(new String[0], Map.of("DNSPLANE_PG_PORT", "6000")).port());
  }

  @Test
  void badInputIsNamed() {
    assertMessage("--bogus", "--bogus", "1");
    assertMessage("--port", "--port");
    assertMessage("'abc'", "--port", "abc");
    assertMessage("--port must be 1..65535, got 70000", "--port", "70000");
    assertMessage("--port must be 1..65535, got 0", new String[] {}, "DNSPLANE_PG_PORT", "0");
  }

  private static void assertMessage(String expected, String... args) {
    assertMessage(expected, args, "UNUSED", "");
  }

  private static void assertMessage(String expected, String[] args, String var, String value) {
    ParameterException e =
        assertThrows(
            ParameterException.class,
            () -> EmbeddedPostgresOptions.parse(args, Map.of(var, value)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
