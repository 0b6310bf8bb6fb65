package dnsplane.enactor.rules;

import java.util.List;

/**
 * Published is what an endpoint's three plan-managed rrsets hold now, as stored: A, AAAA and the
 * TXT marker {@code _plan.<endpoint>}, each null when it has no row. PURE.
 *
 * <p>The enactor reads it under the row locks its write takes anyway, so what it compares against
 * ({@link EntryRdata#of}) is exactly what the write replaces.
 */
public record Published(Rrset a, Rrset aaaa, Rrset marker) {

  /** Nothing stored yet: no plan ever wrote this endpoint. */
  public static final Published NOTHING = new Published(null, null, null);

  /** One stored rrset: TTL, rdata in presentation format, and its generation (null: none). */
  public record Rrset(int ttl, List<String> rdata, Long generation) {
    public Rrset {
      rdata = List.copyOf(rdata);
    }
  }

  /**
   * What {@link WriteRule} judges: the newest generation the address rrsets hold (null when no plan
   * wrote them) and how many addresses each family publishes.
   */
  public RrsetState state() {
    if (a == null && aaaa == null) {
      return RrsetState.ABSENT;
    }
    return new RrsetState(newer(generationOf(a), generationOf(aaaa)), count(a), count(aaaa));
  }

  /** The generation the {@code _plan} TXT names; null when it is absent, empty or unreadable. */
  public Long markerGeneration() {
    if (marker == null || marker.rdata().size() != 1) {
      return null;
    }
    return PlanEntry.parseMarker(marker.rdata().get(0));
  }

  private static Long generationOf(Rrset r) {
    return r == null ? null : r.generation();
  }

  private static Long newer(Long x, Long y) {
    if (x == null) {
      return y;
    }
    return y == null ? x : Math.max(x, y);
  }

  private static int count(Rrset r) {
    return r == null ? 0 : r.rdata().size();
  }
}
