package dnsplane.authdns.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Difference is what turns a client's version of a zone ({@code from}) into ours ({@code to}): one
 * step, possibly condensed from several journal versions (RFC 1995 §4 permits sending one
 * difference sequence where the client is more than one version behind; NSD and BIND do the same).
 *
 * @param versions how many journal versions were condensed into this one
 */
public record Difference(
    SOARecord from, SOARecord to, List<Record> removed, List<Record> added, int versions) {
  public Difference {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }

  /**
   * The records of the incremental IXFR answer (RFC 1995 §4): our SOA, then the difference sequence
   * (the client's SOA, what to remove, our SOA, what to add), then our SOA to close.
   */
  public List<Record> ixfrSequence() {
    List<Record> out = new ArrayList<>(removed.size() + added.size() + 4);
    out.add(to);
    out.add(from);
    out.addAll(removed);
    out.add(to);
    out.addAll(added);
    out.add(to);
    return out;
  }

  /** Records in {@link #ixfrSequence()}. */
  public int size() {
    return removed.size() + added.size() + 4;
  }
}
