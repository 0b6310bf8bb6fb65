package dnsplane.db;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names canonicalises DNS names the way the schema stores them (absolute, lower-case) and finds the
 * served zone a name belongs to. The planner, the enactor and the importers all go through it, so a
 * name one of them accepts is a name every other one finds.
 */
public final class Names {

  /** Letters, digits, hyphen and underscore (for service labels such as {@code _plan}). */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

  private static final int MAX_NAME = 255;

  private Names() {}

  /**
   * The canonical form of {@code raw}: trimmed, lower-cased, with a trailing dot. A non-canonical
   * spelling ("DynamoDB.AWS.test") is canonicalised, not rejected; a malformed name is.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String canonical(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("name is empty");
    }
    String n = raw.strip().toLowerCase(Locale.ROOT);
    if (!n.endsWith(".")) {
      n = n + ".";
    }
    if (n.equals(".")) {
      throw new IllegalArgumentException("the root name cannot be an endpoint");
    }
    if (n.length() > MAX_NAME) {
      throw new IllegalArgumentException("name " + raw + " is longer than 255 characters");
    }
    for (String label : n.substring(0, n.length() - 1).split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException(
            "name "
                + raw
                + " has an invalid label '"
                + label
                + "' (letters, digits, '-', '_'; 1-63)");
      }
    }
    return n;
  }

  /** The longest served zone that contains {@code name} (both canonical), if any. */
  public static Optional<String> zoneOf(String name, Collection<String> zones) {
    String best = null;
    for (String zone : zones) {
      boolean inside = name.equals(zone) || zone.equals(".") || name.endsWith("." + zone);
      if (inside && (best == null || zone.length() > best.length())) {
        best = zone;
      }
    }
    return Optional.ofNullable(best);
  }
}
