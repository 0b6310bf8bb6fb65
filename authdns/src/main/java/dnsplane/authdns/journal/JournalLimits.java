package dnsplane.authdns.journal;

/**
 * JournalLimits bounds the IXFR journal of each zone: how many versions (snapshot swaps that moved
 * the zone's serial) it keeps, and how many records their differences may hold in all (removed and
 * added, SOAs not counted). The oldest versions go first; a client older than what is left gets the
 * whole zone in AXFR form, which RFC 1995 §4 allows. A single difference larger than {@code
 * maxRecords} is not kept at all (the journal starts afresh after it).
 *
 * <p>The record bound is what bounds memory: a journalled record costs its dnsjava object (about
 * 100 to 200 bytes for an A record), so the default 100,000 is a few tens of MB per busy zone at
 * worst. The version bound keeps a lookup and a condensation short.
 *
 * @param maxVersions versions kept per zone; 0 turns the journal off (every IXFR from an older
 *     serial gets the AXFR form)
 * @param maxRecords records kept per zone, over all its versions
 */
public record JournalLimits(int maxVersions, int maxRecords) {
  /** Versions kept per zone by default ({@code --ixfr-versions}). */
  public static final int DEFAULT_VERSIONS = 1_000;

  /** Records kept per zone by default ({@code --ixfr-records}). */
  public static final int DEFAULT_RECORDS = 100_000;

  public JournalLimits {
    if (maxVersions < 0) {
      throw new IllegalArgumentException("IXFR journal versions must be 0 or more: " + maxVersions);
    }
    if (maxRecords < 0) {
      throw new IllegalArgumentException("IXFR journal records must be 0 or more: " + maxRecords);
    }
  }

  /** 1,000 versions and 100,000 records per zone. */
  public static JournalLimits defaults() {
    return new JournalLimits(DEFAULT_VERSIONS, DEFAULT_RECORDS);
  }

  /** No journal: IXFR from an older serial always gets the AXFR form (authdns before journals). */
  public static JournalLimits off() {
    return new JournalLimits(0, 0);
  }

  /** True when nothing is ever kept. */
  public boolean isOff() {
    return maxVersions == 0;
  }
}
