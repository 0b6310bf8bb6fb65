package dnsplane.resolver.config;

import java.net.InetAddress;

/** Cidr is one allowed client network, e.g. 127.0.0.0/8 or ::1/128. */
public record Cidr(byte[] network, int prefix) {

  public static Cidr parse(String s) {
    String[] parts = s.trim().split("/");
    try {
      if (!parts[0].matches("[0-9a-fA-F.:]+")) {
        throw new IllegalArgumentException("allow: expected an address/prefix, got '" + s + "'");
      }
      byte[] addr = InetAddress.getByName(parts[0]).getAddress();
      int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : addr.length * 8;
      if (prefix < 0 || prefix > addr.length * 8) {
        throw new IllegalArgumentException("allow: prefix out of range in '" + s + "'");
      }
      return new Cidr(addr, prefix);
    } catch (java.net.UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("allow: not a CIDR: '" + s + "'");
    }
  }

  public boolean contains(byte[] a) {
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (java.net.UnknownHostException e) {
      return "?/" + prefix;
    }
  }
}
