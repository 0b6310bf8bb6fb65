package dnsplane.db;

import java.util.List;

/**
 * Json writes the few JSON values dnsplane's tables and plain-JDBC bodies hold (jsonb parameters,
 * authdns's health body) without a JSON library on db's classpath.
 */
public final class Json {

  private Json() {}

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    quote(b, s);
    return b.toString();
  }

  /**
   * Appends {@code s} as a JSON string literal (RFC 8259 §7: quote, backslash, controls escaped).
   */
  public static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Appends {@code values} as a JSON array of strings. */
  public static void stringArray(StringBuilder b, List<String> values) {
    b.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      quote(b, values.get(i));
    }
    b.append(']');
  }

  /** {@code values} as a JSON array of strings. */
  public static String stringArray(List<String> values) {
    StringBuilder b = new StringBuilder(values.size() * 16 + 2);
    stringArray(b, values);
    return b.toString();
  }
}
