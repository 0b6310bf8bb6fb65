package dnsplane.planner.console;

import dnsplane.db.Names;
import dnsplane.planner.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EnactorAction is one console action as the enactor's admin API takes it: a method, a path and a
 * JSON body (null for none). {@link #of} checks the console's request before anything is sent, so a
 * bad one is refused naming its problem and never reaches an enactor. PURE.
 */
public record EnactorAction(String method, String path, Map<String, Object> body) {

  /** The longest delay the console injects: longer would outlive any demo. */
  public static final Duration MAX_DELAY = Duration.ofHours(1);

  /**
   * @param action the last path segment of {@code /ui/api/enactors/{az}/{action}}
   * @param body the parsed JSON object, or null when the request had no body
   * @throws IllegalArgumentException naming the problem: an unknown action, a missing or bad field
   */
  public static EnactorAction of(String action, Map<String, Object> body) {
    switch (action) {
      case "mode":
        {
          Object mode = field(body, "mode", "{\"mode\": \"safe\"|\"legacy\"}");
          if (!"safe".equals(mode) && !"legacy".equals(mode)) {
            throw new IllegalArgumentException("mode must be \"safe\" or \"legacy\", got " + mode);
          }
          return new EnactorAction("PUT", "/v1/mode", Map.of("mode", mode));
        }
      case "delay":
        {
          String shape = "{\"endpoint\": NAME, \"delay\": \"20s\"}";
          String endpoint = endpoint(field(body, "endpoint", shape));
          Object text = field(body, "delay", shape);
          Duration d;
          try {
            d = Durations.parse(String.valueOf(text));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("delay: " + e.getMessage());
          }
          if (d.isZero() || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(
                "delay must be above 0 and at most 1h (clear-faults removes it), got " + text);
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("endpoint", endpoint);
          out.put("delay", d.toString());
          return new EnactorAction("PUT", "/v1/faults/delay", out);
        }
      case "repair":
        {
          String endpoint = endpoint(field(body, "endpoint", "{\"endpoint\": NAME}"));
          return new EnactorAction("POST", "/v1/repair", Map.of("endpoint", endpoint));
        }
      case "clear-faults":
        return new EnactorAction("DELETE", "/v1/faults", null);
      case "pause":
        return new EnactorAction("POST", "/v1/pause", null);
      case "resume":
        return new EnactorAction("POST", "/v1/resume", null);
      default:
        throw new IllegalArgumentException(
            "unknown action " + action + " (mode, delay, clear-faults, pause, resume, repair)");
    }
  }

  private static Object field(Map<String, Object> body, String name, String shape) {
    if (body == null) {
      throw new IllegalArgumentException("body must be " + shape);
    }
    Object v = body.get(name);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(name + " is required as a string: body must be " + shape);
    }
    return s.trim();
  }

  private static String endpoint(Object raw) {
    try {
      return Names.canonical(String.valueOf(raw));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint: " + e.getMessage());
    }
  }
}
