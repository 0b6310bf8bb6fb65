package dnsplane.planner.endpoint;

import dnsplane.db.net.Ipv6Text;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Addresses parses served addresses (IPv4 dotted quad or IPv6) strictly, without ever resolving a
 * host name, and prints them in one canonical form (RFC 5952 for IPv6) so that the API, the plans
 * and the database agree on spelling. PURE.
 */
public final class Addresses {

  private static final Pattern V4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private Addresses() {}

  /**
   * The canonical text of {@code raw}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static String canonical(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("address is empty");
    }
    if (isCanonicalV4(raw)) {
      // Already what the rules below would print (the database's text of every IPv4 target is):
      // the plan reads 100,000s of them.
      return raw;
    }
    String s = raw.trim();
    Matcher m = s.indexOf(':') < 0 ? V4.matcher(s) : null;
    if (m != null && m.matches()) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i <= 4; i++) {
        String octet = m.group(i);
        // "010" is octal to some parsers and decimal to others: refuse the ambiguity.
        if ((octet.length() > 1 && octet.startsWith("0")) || Integer.parseInt(octet) > 255) {
          throw new IllegalArgumentException("invalid IPv4 address " + raw);
        }
        out.append(i > 1 ? "." : "").append(Integer.parseInt(octet));
      }
      return out.toString();
    }
    // Only a literal containing ':' is handed to InetAddress, which then never does a DNS lookup.
    if (!s.contains(":") || !V6_CHARS.matcher(s).matches()) {
      throw new IllegalArgumentException("invalid address " + raw + " (expected IPv4 or IPv6)");
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid IPv6 address " + raw);
    }
    if (parsed instanceof Inet4Address) {
      throw new IllegalArgumentException(
          "IPv4-mapped address " + raw + " is not allowed; use " + parsed.getHostAddress());
    }
    return Ipv6Text.format(((Inet6Address) parsed).getAddress());
  }

  /** True when {@code s} is four decimal octets 0-255, without leading zeros, dot separated. */
  private static boolean isCanonicalV4(String s) {
    int n = s.length();
    int i = 0;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (i >= n || s.charAt(i) != '.') {
          return false;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return false;
      }
    }
    return i == n;
  }

  /** True for an IPv6 address (an AAAA record), false for IPv4 (an A record). */
  public static boolean isV6(String canonical) {
    return canonical.contains(":");
  }
}
