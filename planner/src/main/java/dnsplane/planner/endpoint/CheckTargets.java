package dnsplane.planner.endpoint;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * CheckTargets validates where an active check connects: {@code host:port} (tcp) or an http(s) URL.
 * Their host is an address parsed as strictly as a served one ({@link Addresses}), or a DNS host
 * name. A host that looks like an address is never taken for a name: "1.2.3" or "192.0.2.010" would
 * otherwise reach a resolver that reads them as 1.2.0.3 or as octal, and the check would probe
 * somewhere else than the operator meant. PURE.
 */
final class CheckTargets {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** A last label of digits (or 0x-hex) makes a host an IPv4 attempt, as URL parsers read it. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

  private CheckTargets() {}

  /**
   * The canonical {@code host:port} of a tcp check.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static String tcp(String text) {
    HostPort hp = HostPort.parse(text);
    if (hp.port() == 0) {
      throw new IllegalArgumentException("port 0 of " + text.trim() + " cannot be connected to");
    }
    return new HostPort(host(hp.host()), hp.port()).toString();
  }

  /**
   * An http(s) check URL, its host checked like {@link #tcp}'s.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static String httpUrl(String text) {
    URI uri;
    try {
      uri = URI.create(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("needs an http(s) url, got " + text);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("needs an http(s) url, got " + text);
    }
    // URI leaves the host null when it is no valid name or address ("192.0.2.300"): take it from
    // the authority, so that the problem is named precisely.
    String host = uri.getHost() != null ? uri.getHost() : authorityHost(uri.getRawAuthority());
    host(host);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("needs an http(s) url, got " + text);
    }
    return uri.toString();
  }

  /** The canonical form of a check's host: an address, or a lower-case host name. */
  static String host(String raw) {
    String h = raw == null ? "" : raw.trim();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.isEmpty()) {
      throw new IllegalArgumentException("address is empty");
    }
    String[] labels = h.split("\\.", -1);
    if (h.contains(":")
        || h.contains("%")
        || NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
      return Addresses.canonical(h);
    }
    String name = h.toLowerCase(Locale.ROOT);
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException(
            "invalid host "
                + raw
                + " (an IPv4 or IPv6 address, or a host name of letters, digits and '-')");
      }
    }
    return name;
  }

  /** The host of an authority "[userinfo@]host[:port]". */
  private static String authorityHost(String authority) {
    String a = authority.substring(authority.lastIndexOf('@') + 1);
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      return close < 0 ? a : a.substring(0, close + 1);
    }
    int colon = a.lastIndexOf(':');
    return colon < 0 ? a : a.substring(0, colon);
  }
}
