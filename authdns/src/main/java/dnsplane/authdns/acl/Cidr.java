package dnsplane.authdns.acl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cidr is one network, {@code ADDRESS/LENGTH} (a bare address is a host), as the transfer ACL
 * and the rate-limit whitelist take them. Literal addresses only: a host name in an access list
 * would make start-up depend on DNS.
 */
public record Cidr(byte[] network, int length) {
  public Cidr {
    network = network.clone();
    if (network.length != 4 && network.length != 16) {
      throw new IllegalArgumentException("an address is 4 or 16 bytes");
    }
    if (length < 0 || length > network.length * 8) {
      throw new IllegalArgumentException("prefix length " + length + " out of range");
    }
    for (int bit = length; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
  }

  /** Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a bare address. */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (addr.isEmpty() || !(addr.contains(":") || addr.matches("[0-9.]+"))) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    int length = bytes.length * 8;
    if (slash >= 0) {
      try {
        length = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
    }
    return new Cidr(bytes, length);
  }

  /** Parses a comma-separated list; blank gives an empty list. */
  public static List<Cidr> parseList(String text) {
    List<Cidr> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    return List.copyOf(out);
  }

  /** True when {@code a} (4 or 16 bytes) is inside this network. */
  public boolean contains(byte[] a) {
    if (a.length != network.length) {
      return false;
    }
    int full = length / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = length % 8;
    return rest == 0 || ((a[full] ^ network[full]) & (0xFF00 >>> rest) & 0xFF) == 0;
  }

  /** The IPv4 network as an int, for allocation-free matching; only for 4-byte networks. */
  public int v4Network() {
    return ((network[0] & 0xFF) << 24)
        | ((network[1] & 0xFF) << 16)
        | ((network[2] & 0xFF) << 8)
        | (network[3] & 0xFF);
  }

  public boolean isV4() {
    return network.length == 4;
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.length == length && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + length;
  }

  @Override
  public String toString() {
    try {
      String a = network.length == 4
          ? Inet4Address.getByAddress(network).getHostAddress()
          : InetAddress.getByAddress(network).getHostAddress();
      return a + "/" + length;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
