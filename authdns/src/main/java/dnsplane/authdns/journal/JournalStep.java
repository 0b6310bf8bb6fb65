package dnsplane.authdns.journal;

import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * JournalStep is one version of a zone as IXFR sends it (RFC 1995 §4): the SOA before, the records
 * removed, the SOA after, the records added. The apex SOA itself is in neither list: the two SOAs
 * carry it (a change to its other fields travels in {@code to}).
 */
public record JournalStep(SOARecord from, SOARecord to, List<Record> removed, List<Record> added) {
  public JournalStep {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }

  public long fromSerial() {
    return from.getSerial();
  }

  public long toSerial() {
    return to.getSerial();
  }

  /** Records this step holds (SOAs not counted): what the journal's record bound counts. */
  public int records() {
    return removed.size() + added.size();
  }
}
