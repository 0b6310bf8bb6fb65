package dnsplane.authdns.answer;

/** Outcome is what a lookup inside one zone found; the edge maps it to an rcode and flags. */
public enum Outcome {
  /** Data found (possibly after a CNAME chain, possibly leaving the zone). */
  SUCCESS,
  /** The name exists but has no data of the type asked (RFC 2308 NODATA). */
  NODATA,
  /** The name does not exist (RFC 2308 NXDOMAIN). */
  NXDOMAIN,
  /** The name is at or below a zone cut: a referral, not authoritative. */
  DELEGATION,
  /** The zone cannot be served (it has no SOA). */
  BROKEN_ZONE
}
