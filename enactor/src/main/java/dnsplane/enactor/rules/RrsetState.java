package dnsplane.enactor.rules;

/**
 * RrsetState is what an endpoint's address rrsets hold now: the generation they were written from
 * (null when no plan ever wrote them; A and AAAA are always written together, so one generation)
 * and how many addresses each family publishes.
 */
public record RrsetState(Long appliedGeneration, int v4Count, int v6Count) {

  /** An endpoint no plan has written yet. */
  public static final RrsetState ABSENT = new RrsetState(null, 0, 0);

  public RrsetState {
    if (v4Count < 0 || v6Count < 0) {
      throw new IllegalArgumentException(
          "address counts must be >= 0, got " + v4Count + " and " + v6Count);
    }
  }

  /** How many addresses the rrset of {@code family} publishes. */
  public int count(AddressFamily family) {
    return family == AddressFamily.V4 ? v4Count : v6Count;
  }
}
