package dnsplane.authdns.sync;

import java.util.Objects;

/**
 * Rejection is an rrset whose latest change authdns could not apply in full: change {@code seq}
 * (for a full load, the sequence number the load was read at) to {@code name}/{@code type} of
 * {@code zone} (names as stored: absolute, lower-case) and why. Until a later valid change for that
 * rrset is applied, authdns serves its previous version, or what of it parsed when there was none,
 * and reports it on {@code /health} and {@code /metrics}.
 */
public record Rejection(String zone, String name, String type, long seq, String reason) {

  public Rejection {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
  }

  /** "NAME TYPE", how operators name an rrset. */
  public String rrset() {
    return name + " " + type;
  }
}
