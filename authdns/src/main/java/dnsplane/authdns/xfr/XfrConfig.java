package dnsplane.authdns.xfr;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.tsig.TsigKeys;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * XfrConfig is what authdns offers secondaries: who may transfer zones ({@code --allow-transfer}),
 * whom to NOTIFY when a zone changes ({@code --notify}), and the TSIG keys both may name ({@code
 * --tsig-keys}). Every key an ACL entry or a NOTIFY target names must be among the keys.
 *
 * @param allowTransfer who may AXFR/IXFR over TCP
 * @param notifyTo secondaries sent a NOTIFY when a zone's serial changes; empty sends none
 * @param keys the TSIG keys known: requests signed with any other are NOTAUTH/BADKEY
 * @param journal the IXFR journal's bounds per zone ({@code --ixfr-versions}, {@code
 *     --ixfr-records})
 */
public record XfrConfig(
    TransferAcl allowTransfer, List<NotifyTarget> notifyTo, TsigKeys keys, JournalLimits journal) {
  public XfrConfig {
    Objects.requireNonNull(allowTransfer, "allowTransfer");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(journal, "journal");
    notifyTo = List.copyOf(notifyTo);
    for (Name k : allowTransfer.keyNames()) {
      if (keys.key(k).isEmpty()) {
        throw new IllegalArgumentException(
            "--allow-transfer names TSIG key " + k + ", which is not configured (--tsig-keys)");
      }
    }
    for (NotifyTarget t : notifyTo) {
      if (t.key() != null && keys.key(t.key()).isEmpty()) {
        throw new IllegalArgumentException(
            "--notify "
                + t.address()
                + " names TSIG key "
                + t.key()
                + ", which is not configured (--tsig-keys)");
      }
    }
  }

  /** With the default IXFR journal bounds. */
  public XfrConfig(TransferAcl allowTransfer, List<NotifyTarget> notifyTo, TsigKeys keys) {
    this(allowTransfer, notifyTo, keys, JournalLimits.defaults());
  }

  /** This configuration with the IXFR journal bounded by {@code limits}. */
  public XfrConfig withJournal(JournalLimits limits) {
    return new XfrConfig(allowTransfer, notifyTo, keys, limits);
  }

  /** Unsigned NOTIFYs to {@code notifyTargets}, no TSIG keys. */
  public XfrConfig(TransferAcl allowTransfer, List<InetSocketAddress> notifyTargets) {
    this(
        allowTransfer,
        notifyTargets.stream().map(NotifyTarget::unsigned).toList(),
        TsigKeys.none());
  }

  /** The addresses NOTIFY goes to. */
  public List<InetSocketAddress> notifyTargets() {
    return notifyTo.stream().map(NotifyTarget::address).toList();
  }

  /** Transfers for loopback only, no NOTIFY. */
  public static XfrConfig defaults() {
    return new XfrConfig(TransferAcl.loopback(), List.of());
  }
}
