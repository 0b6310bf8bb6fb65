package dnsplane.enactor.rules;

import dnsplane.db.net.Ipv6Text;
import java.util.Objects;

/**
 * IpAddress is one address a plan may publish, parsed strictly and printed canonically. PURE: it
 * never resolves a name and touches no I/O.
 *
 * <p>The rules are the planner's ({@code dnsplane.planner.endpoint.Addresses}), restated here
 * because the enactor must not trust the plan's spelling and does not depend on the planner:
 * surrounding whitespace is ignored; IPv4 is a dotted quad of decimal octets without leading zeros
 * ({@code 010} is octal to some parsers and decimal to others); IPv6 is a literal of hex groups
 * with at most one {@code ::} and an optional trailing dotted quad, no zone, no brackets, and not
 * IPv4-mapped ({@code ::ffff:a.b.c.d} is an IPv4 address that belongs in an A record). IPv6 prints
 * per RFC 5952: lower case, no leading zeros, the first longest run of two or more zero groups as
 * {@code ::}.
 */
public record IpAddress(AddressFamily family, String canonical) {

  public IpAddress {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(canonical, "canonical");
  }

  /**
   * Parses {@code raw}.
   *
   * @throws IllegalArgumentException naming the address and what is wrong with it
   */
  public static IpAddress parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("address is empty");
    }
    String s = raw.trim();
    if (s.indexOf(':') < 0) {
      return new IpAddress(AddressFamily.V4, formatV4(parseV4(s, raw)));
    }
    byte[] b = parseV6(s, raw);
    if (isV4Mapped(b)) {
      throw new IllegalArgumentException(
          "IPv4-mapped address \""
              + raw
              + "\" is not allowed; use "
              + formatV4(new byte[] {b[12], b[13], b[14], b[15]}));
    }
    return new IpAddress(AddressFamily.V6, Ipv6Text.format(b));
  }

  private static byte[] parseV4(String s, String raw) {
    String[] octets = s.split("\\.", -1);
    if (octets.length != 4) {
      throw invalid(raw, "IPv4 address", "expected four dot-separated octets");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String o = octets[i];
      if (o.isEmpty() || o.length() > 3 || !allDecimal(o)) {
        throw invalid(raw, "IPv4 address", "octet \"" + o + "\" is not 0-255");
      }
      if (o.length() > 1 && o.charAt(0) == '0') {
        throw invalid(raw, "IPv4 address", "octet \"" + o + "\" has a leading zero");
      }
      int v = Integer.parseInt(o);
      if (v > 255) {
        throw invalid(raw, "IPv4 address", "octet \"" + o + "\" is not 0-255");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseV6(String s, String raw) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(hexDigit(c) >= 0 || c == ':' || c == '.')) {
        throw invalid(raw, "IPv6 address", "'" + c + "' is not allowed");
      }
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      throw invalid(raw, "IPv6 address", "\"::\" may appear once");
    }
    // Only the run that ends the address may end with a dotted quad.
    int[] head = gap < 0 ? groups(s, true, raw) : groups(s.substring(0, gap), false, raw);
    int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true, raw);
    int n = head.length + tail.length;
    if (gap < 0 ? n != 8 : n > 7) {
      throw invalid(
          raw,
          "IPv6 address",
          gap < 0
              ? "expected eight 16-bit groups"
              : "\"::\" must stand for at least one zero group");
    }
    byte[] out = new byte[16];
    for (int i = 0; i < head.length; i++) {
      put(out, i, head[i]);
    }
    for (int i = 0; i < tail.length; i++) {
      put(out, 8 - tail.length + i, tail[i]);
    }
    return out;
  }

  /**
   * The 16-bit groups of a colon-separated run; a dotted quad counts as two groups and is allowed
   * only as the last part of a run that ends the address ({@code endsAddress}).
   */
  private static int[] groups(String run, boolean endsAddress, String raw) {
    if (run.isEmpty()) {
      return new int[0];
    }
    String[] parts = run.split(":", -1);
    boolean quad = endsAddress && parts[parts.length - 1].indexOf('.') >= 0;
    int[] out = new int[parts.length + (quad ? 1 : 0)];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (quad && i == parts.length - 1) {
        byte[] v4 = parseV4(p, raw);
        out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || p.indexOf('.') >= 0) {
        throw invalid(raw, "IPv6 address", "group \"" + p + "\" is not 1-4 hex digits");
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        v = (v << 4) | hexDigit(p.charAt(k));
      }
      out[i] = v;
    }
    return out;
  }

  private static void put(byte[] b, int group, int value) {
    b[2 * group] = (byte) (value >> 8);
    b[2 * group + 1] = (byte) value;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private static String formatV4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  private static boolean allDecimal(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The value of an ASCII hex digit, or -1. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static IllegalArgumentException invalid(String raw, String what, String why) {
    return new IllegalArgumentException("invalid " + what + " \"" + raw + "\": " + why);
  }
}
