package dnsplane.planner.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Setting is one configuration property, named as configuration files spell it ({@code
 * dnsplane.planner.check.rise}) and as the environment variable Micronaut maps onto it ({@code
 * DNSPLANE_PLANNER_CHECK_RISE}). It reads the property's text, so that a bad value is refused
 * naming the setting under both names, what it accepts and what it got, and so that the spellings
 * Micronaut's own conversion does not know keep working: {@code off}, a bare number of seconds,
 * {@code 1_000_000}. PURE.
 */
public record Setting(String property) {

  private static final String DURATIONS = "500ms, 2s, 10m, 24h, 7d, ISO-8601 PT2S";

  /** The setting {@code name} under {@code prefix} ("dnsplane.planner.check" + "rise"). */
  public static Setting of(String prefix, String name) {
    return new Setting(prefix + "." + name);
  }

  /** The environment variable Micronaut reads this setting from. */
  public String env() {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The error for {@code text}, which breaks {@code rule} ("must be at least 1"). */
  public InvalidSettingException bad(String text, String rule) {
    return new InvalidSettingException(
        property + " (" + env() + ") " + rule + ", got '" + text + "'");
  }

  /** A duration of zero or more; {@code zeroMeans} says what 0 does ("no heartbeat"). */
  public Duration duration(String text, String zeroMeans) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(text, "must be a duration (" + DURATIONS + ") or 0 (" + zeroMeans + ")");
    }
    if (d.isNegative()) {
      throw bad(text, "must not be negative");
    }
    return d;
  }

  /** A duration above zero. */
  public Duration positiveDuration(String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(text, "must be a positive duration (" + DURATIONS + ")");
    }
    if (d.isZero() || d.isNegative()) {
      throw bad(text, "must be a positive duration (" + DURATIONS + ")");
    }
    return d;
  }

  /** A duration, or zero for {@code 0}/{@code off}. */
  public Duration durationOrOff(String text) {
    if (isOff(text)) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(text, "must be a duration (10m, 24h, 7d, ISO-8601 P7D) or 0/off");
    }
    if (d.isNegative()) {
      throw bad(text, "must not be negative");
    }
    return d;
  }

  /** A whole number of zero or more ({@code 1_000_000} reads as a million). */
  public long wholeNumber(String text) {
    return count(text, "must be a whole number");
  }

  /** A whole number of zero or more, {@code off} reading as 0. */
  public long wholeNumberOrOff(String text) {
    return isOff(text) ? 0 : count(text, "must be a whole number or 0/off");
  }

  /** A whole number from {@code min} to {@code max}. */
  public int wholeNumber(String text, int min, int max) {
    String rule =
        max == Integer.MAX_VALUE
            ? "must be a whole number of at least " + min
            : "must be a whole number from " + min + " to " + max;
    long n = count(text, rule);
    if (n < min || n > max) {
      throw bad(text, rule);
    }
    return (int) n;
  }

  /** A decimal number in (0, 1]. */
  public double share(String text) {
    String rule = "must be a number in (0, 1] (a share: 0.5 is half, 1 no limit)";
    double d;
    try {
      d = Double.parseDouble(text == null ? "" : text.trim());
    } catch (NumberFormatException e) {
      throw bad(text, rule);
    }
    if (!(d > 0 && d <= 1)) {
      throw bad(text, rule);
    }
    return d;
  }

  private long count(String text, String rule) {
    String t = text == null ? "" : text.trim().replace("_", "");
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad(text, rule);
    }
  }

  private static boolean isOff(String text) {
    return text != null && text.trim().equalsIgnoreCase("off");
  }
}
