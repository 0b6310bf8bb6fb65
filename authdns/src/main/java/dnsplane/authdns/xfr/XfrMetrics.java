package dnsplane.authdns.xfr;

import dnsplane.authdns.journal.IxfrJournal;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * XfrMetrics counts zone transfers served (by type and result), records sent in them, NOTIFY
 * messages sent, acknowledged and given up on, and requests carrying a TSIG by check result.
 * Rendered on /metrics after the query counters.
 */
public final class XfrMetrics {
  private final ConcurrentHashMap<String, LongAdder> transfers = new ConcurrentHashMap<>();
  private final LongAdder records = new LongAdder();
  private final LongAdder notifySent = new LongAdder();
  private final LongAdder notifyAcked = new LongAdder();
  private final LongAdder notifyFailed = new LongAdder();
  private final LongAdder notifyTsigFailed = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> tsig = new ConcurrentHashMap<>();
  private volatile IxfrJournal journal;

  /**
   * One transfer request answered: {@code type} AXFR or IXFR, {@code result} one of full (the whole
   * zone), incremental (IXFR differences from the journal), uptodate, truncated, refused, notauth
   * (TSIG failed), formerr, servfail.
   */
  public void transfer(String type, String result, int recordsSent) {
    transfers
        .computeIfAbsent("{type=\"" + type + "\",result=\"" + result + "\"}", k -> new LongAdder())
        .increment();
    records.add(recordsSent);
  }

  /** Shows {@code j}'s size on /metrics (the journal whose differences IXFR answers send). */
  public void journal(IxfrJournal j) {
    journal = j;
  }

  /** Transfers answered with {@code type} and {@code result} so far. */
  public long transfers(String type, String result) {
    LongAdder a = transfers.get("{type=\"" + type + "\",result=\"" + result + "\"}");
    return a == null ? 0 : a.sum();
  }

  /**
   * One request carrying a TSIG checked (a transfer, or any query): {@code result} verified,
   * badkey, badsig, badtime or formerr (TSIG not the last record).
   */
  public void tsig(String result) {
    tsig.computeIfAbsent(result, k -> new LongAdder()).increment();
  }

  /** Signed requests checked with {@code result} so far. */
  public long tsigRequests(String result) {
    LongAdder a = tsig.get(result);
    return a == null ? 0 : a.sum();
  }

  /** A reply to a signed NOTIFY that was unsigned or did not verify (also counted as failed). */
  public void notifyTsigFailed() {
    notifyTsigFailed.increment();
  }

  public long notifiesTsigFailed() {
    return notifyTsigFailed.sum();
  }

  public void notifySent() {
    notifySent.increment();
  }

  public void notifyAcked() {
    notifyAcked.increment();
  }

  public void notifyFailed() {
    notifyFailed.increment();
  }

  public long notifiesSent() {
    return notifySent.sum();
  }

  public long notifiesAcked() {
    return notifyAcked.sum();
  }

  public long notifiesFailed() {
    return notifyFailed.sum();
  }

  /** Writes the counters in the Prometheus text format. */
  public void writePrometheus(Appendable out) throws IOException {
    out.append("# HELP dnsplane_authdns_transfers_total Zone transfer requests answered.\n");
    out.append("# TYPE dnsplane_authdns_transfers_total counter\n");
    Map<String, Long> sorted = new TreeMap<>();
    transfers.forEach((k, v) -> sorted.put(k, v.sum()));
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      out.append("dnsplane_authdns_transfers_total").append(e.getKey()).append(' ');
      out.append(Long.toString(e.getValue())).append('\n');
    }
    counter(out, "dnsplane_authdns_transfer_records_total", "Records sent in transfers.", records);
    counter(out, "dnsplane_authdns_notify_sent_total", "NOTIFY messages sent.", notifySent);
    counter(
        out, "dnsplane_authdns_notify_acked_total", "NOTIFYs acknowledged (NOERROR).", notifyAcked);
    counter(
        out,
        "dnsplane_authdns_notify_failed_total",
        "NOTIFYs given up on: retries exhausted or rejected by the secondary.",
        notifyFailed);
    counter(
        out,
        "dnsplane_authdns_notify_tsig_failed_total",
        "Replies to signed NOTIFYs that were unsigned or did not verify.",
        notifyTsigFailed);
    IxfrJournal j = journal;
    if (j != null) {
      gauge(
          out,
          "dnsplane_authdns_ixfr_journal_versions",
          "Zone versions kept in the IXFR journal, all zones.",
          j.versions());
      gauge(
          out,
          "dnsplane_authdns_ixfr_journal_records",
          "Records kept in the IXFR journal's differences, all zones.",
          j.records());
      out.append(
          "# HELP dnsplane_authdns_ixfr_journal_resets_total Times a zone's IXFR journal started"
              + " afresh (full load, zone created or deleted, serial not moving forward).\n");
      out.append("# TYPE dnsplane_authdns_ixfr_journal_resets_total counter\n");
      out.append("dnsplane_authdns_ixfr_journal_resets_total ")
          .append(Long.toString(j.resets()))
          .append('\n');
    }
    out.append(
        "# HELP dnsplane_authdns_tsig_requests_total Requests carrying a TSIG, by result.\n");
    out.append("# TYPE dnsplane_authdns_tsig_requests_total counter\n");
    Map<String, Long> bad = new TreeMap<>();
    tsig.forEach((k, v) -> bad.put(k, v.sum()));
    for (Map.Entry<String, Long> e : bad.entrySet()) {
      out.append("dnsplane_authdns_tsig_requests_total{result=\"")
          .append(e.getKey())
          .append("\"} ");
      out.append(Long.toString(e.getValue())).append('\n');
    }
  }

  private static void gauge(Appendable out, String name, String help, long value)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(Long.toString(value)).append('\n');
  }

  private static void counter(Appendable out, String name, String help, LongAdder a)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(Long.toString(a.sum())).append('\n');
  }
}
