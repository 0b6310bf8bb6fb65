package dnsplane.authdns.xfr;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * XfrConfig is what authdns offers secondaries: who may transfer zones ({@code --allow-transfer})
 * and whom to NOTIFY when a zone changes ({@code --notify}).
 *
 * @param allowTransfer networks allowed AXFR/IXFR over TCP
 * @param notifyTargets secondaries sent a NOTIFY when a zone's serial changes; empty sends none
 */
public record XfrConfig(TransferAcl allowTransfer, List<InetSocketAddress> notifyTargets) {
  public XfrConfig {
    Objects.requireNonNull(allowTransfer, "allowTransfer");
    notifyTargets = List.copyOf(notifyTargets);
  }

  /** Transfers for loopback only, no NOTIFY. */
  public static XfrConfig defaults() {
    return new XfrConfig(TransferAcl.loopback(), List.of());
  }
}
