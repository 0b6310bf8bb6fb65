package dnsplane.db.changelog;

import java.util.List;

/**
 * FullLoadRows is every zone and rrset at one instant, with the last change-log sequence number
 * that instant includes: what a follower starts from before it reads {@code seq > lastSeq}.
 */
public record FullLoadRows(long lastSeq, List<ZoneRow> zones, List<RrsetRow> rrsets) {

  /** One row of the {@code zone} table. */
  public record ZoneRow(long id, String name, long serial) {}

  /** One row of the {@code rrset} table; an empty {@code rdata} is an rrset with no records. */
  public record RrsetRow(long zoneId, String name, String type, int ttl, List<String> rdata) {}
}
