package dnsplane.authdns.journal;

import java.util.Arrays;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * RecordKey is a record's identity for the journal: its uncompressed wire form, so owner, type,
 * class, TTL and rdata, each exactly as served. dnsjava's {@link Record#equals} ignores the TTL
 * (and compares rdata names case-insensitively), which would make a TTL-only change invisible and
 * leave a secondary serving the old TTL; with the TTL in the key such a change is a removal and an
 * addition, as a secondary must apply it.
 */
final class RecordKey {
  private final byte[] wire;
  private final int hash;

  private RecordKey(byte[] wire) {
    this.wire = wire;
    this.hash = Arrays.hashCode(wire);
  }

  static RecordKey of(Record r) {
    return new RecordKey(r.toWire(Section.ANSWER));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordKey k && hash == k.hash && Arrays.equals(wire, k.wire);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
