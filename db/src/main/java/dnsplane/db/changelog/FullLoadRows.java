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

  /**
   * Takes the rows of a full load as they are read ({@link ChangeLogReader#loadAll(
   * java.sql.Connection, Sink)}), so that a million rrsets need not be held at once: first the
   * position, then every zone, then every rrset (zone by zone).
   */
  public interface Sink {
    /** The last change-log sequence number the rows that follow include. */
    void position(long lastSeq);

    void zone(ZoneRow zone);

    void rrset(RrsetRow rrset);
  }
}
