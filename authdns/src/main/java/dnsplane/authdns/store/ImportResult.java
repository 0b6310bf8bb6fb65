package dnsplane.authdns.store;

/**
 * ImportResult counts what one zone import wrote: rrsets inserted, updated and deleted, and the
 * rrsets it left alone because they already held the same data.
 */
public record ImportResult(
    String zone,
    boolean zoneCreated,
    int inserted,
    int updated,
    int deleted,
    int unchanged,
    int records) {

  /** Rrsets written (each is one change_log row). */
  public int written() {
    return inserted + updated + deleted;
  }

  @Override
  public String toString() {
    return String.format(
        "zone %s%s: %d records; rrsets %d inserted, %d updated, %d deleted, %d unchanged",
        zone, zoneCreated ? " (created)" : "", records, inserted, updated, deleted, unchanged);
  }
}
