package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnactorActionTest {

  @Test
  void eachActionMapsToTheEnactorsAdminApi() {
    EnactorAction mode = EnactorAction.of("mode", Map.of("mode", "legacy"));
    assertEquals("PUT", mode.method());
    assertEquals("/v1/mode", mode.path());
    assertEquals(Map.of("mode", "legacy"), mode.body());

    EnactorAction delay =
        EnactorAction.of("delay", Map.of("endpoint", "DynamoDB.aws.test", "delay", "20s"));
    assertEquals("PUT", delay.method());
    assertEquals("/v1/faults/delay", delay.path());
    assertEquals(Map.of("endpoint", "dynamodb.aws.test.", "delay", "PT20S"), delay.body());

    EnactorAction repair = EnactorAction.of("repair", Map.of("endpoint", "a.aws.test."));
    assertEquals("POST /v1/repair", repair.method() + " " + repair.path());
    assertEquals(Map.of("endpoint", "a.aws.test."), repair.body());

    assertEquals("DELETE /v1/faults", line(EnactorAction.of("clear-faults", null)));
    assertEquals("POST /v1/pause", line(EnactorAction.of("pause", Map.of())));
    assertEquals("POST /v1/resume", line(EnactorAction.of("resume", null)));
    assertNull(EnactorAction.of("pause", null).body());
  }

  @Test
  void badBodiesAreRefusedNamingTheProblem() {
    Map<String, Object> nullMode = new HashMap<>();
    nullMode.put("mode", null);
    Object[][] cases = {
      {"mode", null, "mode"},
      {"mode", Map.of("mode", "fast"), "safe"},
      {"mode", Map.of("mode", 1), "mode is required"},
      {"mode", nullMode, "mode is required"},
      {"delay", Map.of("endpoint", "a.aws.test."), "delay is required"},
      {"delay", Map.of("endpoint", "a.aws.test.", "delay", "soon"), "invalid duration"},
      {"delay", Map.of("endpoint", "a.aws.test.", "delay", "0"), "above 0"},
      {"delay", Map.of("endpoint", "a.aws.test.", "delay", "2h"), "at most 1h"},
      {"delay", Map.of("endpoint", "bad name!", "delay", "1s"), "invalid label"},
      {"repair", Map.of(), "endpoint is required"},
      {"explode", Map.of(), "unknown action explode"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Object> body = (Map<String, Object>) c[1];
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EnactorAction.of((String) c[0], body));
      assertTrue(e.getMessage().contains((String) c[2]), c[0] + ": " + e.getMessage());
    }
  }

  private static String line(EnactorAction a) {
    return a.method() + " " + a.path();
  }
}
