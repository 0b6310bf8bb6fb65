package dnsplane.authdns.xfr;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * NotifyTarget is one secondary sent NOTIFY: its address and, optionally, the TSIG key the NOTIFY
 * is signed with (and its reply must verify with), as NSD's {@code notify: ADDRESS KEYNAME}.
 *
 * @param address the secondary's DNS address
 * @param key the key name, or null to send unsigned
 */
public record NotifyTarget(InetSocketAddress address, Name key) {
  public NotifyTarget {
    Objects.requireNonNull(address, "address");
  }

  /** An unsigned target. */
  public static NotifyTarget unsigned(InetSocketAddress address) {
    return new NotifyTarget(address, null);
  }

  @Override
  public String toString() {
    return address + (key == null ? "" : " " + key);
  }
}
