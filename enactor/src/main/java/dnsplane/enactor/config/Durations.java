package dnsplane.enactor.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations parses the human durations of flags and the API: "500ms", "20s", "2m", "1h", "PT20S".
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "delay is missing (use e.g. \"20s\", \"500ms\", \"PT20S\")");
    }
    String t = text.strip();
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      Duration d = Duration.parse(t);
      if (d.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got \"" + text + "\"");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "delay \"" + text + "\" is not a duration (use e.g. \"20s\", \"500ms\", \"PT20S\")");
    }
  }
}
