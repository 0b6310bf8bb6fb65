package dnsplane.planner.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * HostPort is a parsed {@code HOST:PORT} ("127.0.0.1:8081", "[::1]:8081", "localhost:8081"). PURE.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
  }

  /**
   * Parses {@code HOST:PORT}; IPv6 hosts are bracketed.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static HostPort parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("expected HOST:PORT, got nothing");
    }
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got " + text);
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("bracket IPv6 hosts as [::1]:PORT, got " + text);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port in " + text + " is not a number");
    }
    return new HostPort(host, port);
  }

  /** True when the host is a loopback address ("localhost" is resolved locally, never over DNS). */
  public boolean isLoopback() {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // Resolution of a literal does no lookup; a host name goes through the local resolver.
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
