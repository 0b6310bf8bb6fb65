package dnsplane.enactor.rules;

/**
 * RrsetState is what an endpoint's address rrsets (A and AAAA together) hold now: the generation
 * they were written from (null when no plan ever wrote them) and how many addresses they publish.
 */
public record RrsetState(Long appliedGeneration, int addressCount) {

  /** An endpoint no plan has written yet. */
  public static final RrsetState ABSENT = new RrsetState(null, 0);

  public RrsetState {
    if (addressCount < 0) {
      throw new IllegalArgumentException("addressCount must be >= 0, got " + addressCount);
    }
  }
}
