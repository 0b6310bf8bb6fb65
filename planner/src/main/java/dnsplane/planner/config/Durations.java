package dnsplane.planner.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations parses configuration durations: "0", "250ms", "2s", "1m", "1h", "7d" or ISO-8601
 * "PT2S". PURE.
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the bad text
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase();
    Matcher m = SIMPLE.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      switch (unit) {
        case "ms":
          return Duration.ofMillis(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        case "d":
          return Duration.ofDays(n);
        default:
          return Duration.ofSeconds(n);
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase());
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "' (e.g. 0, 500ms, 2s, 1m, 7d)");
    }
  }
}
