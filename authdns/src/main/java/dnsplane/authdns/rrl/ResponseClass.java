package dnsplane.authdns.rrl;

/**
 * ResponseClass is the kind of response a rate-limit bucket counts, as in NSD and Knot: a client
 * prefix gets one bucket per (class, name), so a flood of one kind of answer cannot use up the
 * budget of another. The name a bucket is keyed by depends on the class (see each constant).
 */
public enum ResponseClass {
  /** NOERROR with records in the answer section (or truncated for size); keyed by the qname. */
  NORMAL,
  /** NOERROR, authoritative, nothing in the answer section; keyed by the qname. */
  NODATA,
  /**
   * NXDOMAIN; keyed by the zone (the SOA owner in the authority section), so random-subdomain
   * floods against one zone share a bucket.
   */
  NXDOMAIN,
  /** A referral (NOERROR, not authoritative, NS in authority); keyed by the delegation point. */
  REFERRAL,
  /** Every other rcode (REFUSED, FORMERR, SERVFAIL, NOTIMP...); one bucket per prefix. */
  ERROR;

  private static final ResponseClass[] VALUES = values();

  /** The class with {@code ordinal}, without allocating. */
  public static ResponseClass of(int ordinal) {
    return VALUES[ordinal];
  }
}
