package dnsplane.authdns.xfr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * TransferAcl is the list of networks allowed to transfer zones ({@code --allow-transfer}). A
 * zone's full contents are more than any single query reveals, so the default is loopback only, as
 * NSD's is (no provide-xfr means no transfers at all).
 */
public final class TransferAcl {
  private final List<Cidr> networks;

  private record Cidr(byte[] net, int bits, String text) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != net.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != net[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (b[full] & mask) == (net[full] & mask);
    }
  }

  private TransferAcl(List<Cidr> networks) {
    this.networks = List.copyOf(networks);
  }

  /** 127.0.0.0/8 and ::1/128. */
  public static TransferAcl loopback() {
    return parse("127.0.0.0/8,::1/128");
  }

  /**
   * Parses {@code CIDR[,CIDR...]}; a bare address means just that host. Only literal addresses are
   * accepted (no name lookups for an access list).
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static TransferAcl parse(String text) {
    List<Cidr> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int slash = p.indexOf('/');
      String addr = slash < 0 ? p : p.substring(0, slash);
      if (!addr.matches("[0-9a-fA-F:.]+") || (!addr.contains(":") && !addr.contains("."))) {
        throw new IllegalArgumentException("not an address: " + p);
      }
      byte[] net;
      try {
        net = InetAddress.getByName(addr).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address: " + p);
      }
      int bits = net.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(p.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad prefix length: " + p);
        }
        if (bits < 0 || bits > net.length * 8) {
          throw new IllegalArgumentException("bad prefix length: " + p);
        }
      }
      out.add(new Cidr(net, bits, p));
    }
    return new TransferAcl(out);
  }

  /** True when {@code a} is inside one of the networks. */
  public boolean allows(InetAddress a) {
    for (Cidr c : networks) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return networks.stream().map(Cidr::text).reduce((x, y) -> x + "," + y).orElse("(none)");
  }
}
