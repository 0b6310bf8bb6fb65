package dnsplane.authdns.store;

import dnsplane.db.zone.RrsetRow;
import java.util.List;
import java.util.stream.Collectors;

/**
 * ImportResult counts what one zone import wrote: rrsets inserted, updated and deleted, and the
 * rrsets it left alone because they already held the same data. {@code leftAlone} lists the
 * plan-managed rrsets the file would have inserted, updated or deleted, which an import never
 * writes (the enactors own them).
 */
public record ImportResult(
    String zone,
    boolean zoneCreated,
    int inserted,
    int updated,
    int deleted,
    int unchanged,
    int records,
    List<RrsetRow.Key> leftAlone) {

  /** How many plan-managed rrsets {@link #leftAloneSummary} names before "and N more". */
  static final int NAMED = 10;

  public ImportResult {
    leftAlone = List.copyOf(leftAlone);
  }

  /** Rrsets written (each is one change_log row). */
  public int written() {
    return inserted + updated + deleted;
  }

  /**
   * "left 3 plan-managed rrsets alone: NAME TYPE, ..." (the first {@value #NAMED}), or "" when the
   * file agreed with every plan-managed rrset.
   */
  public String leftAloneSummary() {
    if (leftAlone.isEmpty()) {
      return "";
    }
    String named =
        leftAlone.stream()
            .limit(NAMED)
            .map(RrsetRow.Key::toString)
            .collect(Collectors.joining(", "));
    return String.format(
        "left %d plan-managed rrset%s alone: %s%s",
        leftAlone.size(),
        leftAlone.size() == 1 ? "" : "s",
        named,
        leftAlone.size() > NAMED ? ", and " + (leftAlone.size() - NAMED) + " more" : "");
  }

  @Override
  public String toString() {
    return String.format(
        "zone %s%s: %d records; rrsets %d inserted, %d updated, %d deleted, %d unchanged,"
            + " %d plan-managed left alone",
        zone,
        zoneCreated ? " (created)" : "",
        records,
        inserted,
        updated,
        deleted,
        unchanged,
        leftAlone.size());
  }
}
