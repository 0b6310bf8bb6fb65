package dnsplane.enactor.apply;

/**
 * Outcome is what became of one plan entry when an enactor tried to write it; {@link #action} is
 * its audit action (no audit row for UNCHANGED).
 */
public enum Outcome {
  /** The addresses were written. */
  WRITE("write"),
  /** A deletion entry was written: A, AAAA and the marker are empty with the plan's generation. */
  UNPUBLISH("unpublish"),
  /** The rrsets already held this plan. */
  UNCHANGED("unchanged"),
  /** The rrsets hold a newer plan, or the plan was deleted before it could be written. */
  STALE_SKIP("stale_skip"),
  /** Safe: the entry has no address. */
  EMPTY_REJECTED("empty_rejected"),
  /** Safe: the entry would empty a family the endpoint has targets of. */
  EMPTY_FAMILY_REJECTED("empty_family_rejected"),
  /** Safe: a malformed address; legacy: the database's rdata CHECK refused the entry. */
  INVALID_ENTRY("invalid_entry"),
  /** The database guard refused the write. */
  GUARD_REFUSED("guard_refused"),
  /** No served zone contains the name. */
  NO_ZONE("no_zone");

  private final String action;

  Outcome(String action) {
    this.action = action;
  }

  /** The audit action (and the wire name). */
  public String action() {
    return action;
  }
}
