package dnsplane.db.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cidr is one network, {@code ADDRESS/LENGTH} (a bare address is one host), as every access list in
 * dnsplane takes them: the resolver's client allow list, authdns's transfer ACL and its rate-limit
 * whitelist. PURE.
 *
 * <p>Literal addresses only: a host name in an access list would make start-up depend on DNS. Host
 * bits are cleared ({@code 192.0.2.77/25} is {@code 192.0.2.0/25}), so equal networks are equal
 * however they were written.
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is IPv4, both as a network and as a
 * client: a dual-stack socket reports IPv4 clients that way, and an entry must not miss them for
 * the spelling. {@code ::ffff:192.0.2.0/120} is therefore {@code 192.0.2.0/24}.
 */
public record Cidr(byte[] network, int prefixLength) {
  private static final int MAPPED_PREFIX = 96;

  public Cidr {
    network = network.clone();
    if (network.length != 4 && network.length != 16) {
      throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + network.length);
    }
    if (prefixLength < 0 || prefixLength > network.length * 8) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " out of range 0-" + network.length * 8);
    }
    for (int bit = prefixLength; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
  }

  /**
   * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a bare address.
   *
   * @throws IllegalArgumentException quoting {@code text} and saying what is wrong with it
   */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    // The JDK would look anything else up by name; only literals may pass.
    if (address.isEmpty()
        || !address.matches("[0-9a-fA-F.:]+")
        || !(address.contains(":") || address.matches("[0-9.]+"))) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or ADDRESS/LENGTH");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or ADDRESS/LENGTH");
    }
    // The JDK folds ::ffff:a.b.c.d to 4 bytes; a length written for it still counts 128 bits.
    int writtenBits = address.contains(":") ? 128 : bytes.length * 8;
    int length = writtenBits;
    if (slash >= 0) {
      String digits = t.substring(slash + 1);
      if (!digits.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException(
            "prefix length '" + digits + "' in '" + text + "' is not a number");
      }
      length = Integer.parseInt(digits);
      if (length > writtenBits) {
        throw new IllegalArgumentException(
            "prefix length " + length + " in '" + text + "' is out of range 0-" + writtenBits);
      }
    }
    if (writtenBits == 128 && bytes.length == 4) {
      if (length < MAPPED_PREFIX) {
        throw new IllegalArgumentException(
            "prefix length "
                + length
                + " in '"
                + text
                + "' is out of range 96-128 for an IPv4-mapped address");
      }
      length -= MAPPED_PREFIX;
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

  /** True when {@code address} is inside this network. */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** True when {@code a} (4 or 16 bytes, as {@link InetAddress#getAddress}) is in this network. */
  public boolean contains(byte[] a) {
    int from = 0;
    if (a.length != network.length) {
      if (network.length != 4 || !isV4Mapped(a)) {
        return false;
      }
      from = 12;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (a[from + i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    return rest == 0 || ((a[from + full] ^ network[full]) & (0xFF00 >>> rest) & 0xFF) == 0;
  }

  private static boolean isV4Mapped(byte[] a) {
    if (a.length != 16 || a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The IPv4 network as an int, for allocation-free matching; only for 4-byte networks. */
  public int v4Network() {
    if (!isV4()) {
      throw new IllegalStateException(this + " is not an IPv4 network");
    }
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
    return o instanceof Cidr c
        && c.prefixLength == prefixLength
        && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
  }
}
