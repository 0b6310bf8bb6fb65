package dnsplane.db.rrset;

/**
 * AddressRrsets summarises one name's A and AAAA rrsets: the newest generation applied to either
 * (null when neither came from a plan) and how many addresses each publishes.
 */
public record AddressRrsets(Long appliedGeneration, int v4, int v6) {

  /** A name with no A or AAAA rrset at all. */
  public static final AddressRrsets ABSENT = new AddressRrsets(null, 0, 0);
}
