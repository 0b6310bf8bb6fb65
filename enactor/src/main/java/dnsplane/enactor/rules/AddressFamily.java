package dnsplane.enactor.rules;

/** AddressFamily is IPv4 or IPv6, and the address rrset type each is published as. */
public enum AddressFamily {
  V4("A", 4),
  V6("AAAA", 6);

  private final String rrtype;
  private final int version;

  AddressFamily(String rrtype, int version) {
    this.rrtype = rrtype;
    this.version = version;
  }

  /** The rrset type: {@code A} or {@code AAAA}. */
  public String rrtype() {
    return rrtype;
  }

  /** 4 or 6, as PostgreSQL's {@code family(inet)} says. */
  public int version() {
    return version;
  }
}
