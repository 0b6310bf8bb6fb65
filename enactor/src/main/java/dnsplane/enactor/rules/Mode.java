package dnsplane.enactor.rules;

import java.util.Locale;

/**
 * Mode is how an enactor writes: {@code legacy} reproduces the 2025 automation, {@code safe} fixes
 * it.
 */
public enum Mode {
  SAFE,
  LEGACY;

  /**
   * Parses "safe" or "legacy" (any case); anything else is an IllegalArgumentException naming it.
   */
  public static Mode parse(String text) {
    if (text != null) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(text.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("mode must be \"safe\" or \"legacy\", got " + quoted(text));
  }

  /** The lower-case name used on the wire, in flags and in the database. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
