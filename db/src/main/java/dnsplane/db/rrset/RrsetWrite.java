package dnsplane.db.rrset;

import java.util.List;

/**
 * RrsetWrite is one rrset a plan entry puts in a zone: its whole content and the plan generation it
 * comes from. An empty {@code rdata} is a tombstone, not a delete: it keeps the generation, so a
 * delayed older write still loses the compare-and-set against it.
 */
public record RrsetWrite(
    long zoneId, String name, String type, int ttl, List<String> rdata, long generation) {

  public RrsetWrite {
    rdata = List.copyOf(rdata);
  }
}
