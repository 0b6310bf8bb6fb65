package dnsplane.authdns.xfr;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * XfrMetrics counts zone transfers served (by type and result), records sent in them, and NOTIFY
 * messages sent, acknowledged and given up on. Rendered on /metrics after the query counters.
 */
public final class XfrMetrics {
  private final ConcurrentHashMap<String, LongAdder> transfers = new ConcurrentHashMap<>();
  private final LongAdder records = new LongAdder();
  private final LongAdder notifySent = new LongAdder();
  private final LongAdder notifyAcked = new LongAdder();
  private final LongAdder notifyFailed = new LongAdder();

  /**
   * One transfer request answered: {@code type} AXFR or IXFR, {@code result} one of full,
   * uptodate, truncated, refused, formerr, servfail.
   */
  public void transfer(String type, String result, int recordsSent) {
    transfers
        .computeIfAbsent("{type=\"" + type + "\",result=\"" + result + "\"}", k -> new LongAdder())
        .increment();
    records.add(recordsSent);
  }

  /** Transfers answered with {@code type} and {@code result} so far. */
  public long transfers(String type, String result) {
    LongAdder a = transfers.get("{type=\"" + type + "\",result=\"" + result + "\"}");
    return a == null ? 0 : a.sum();
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
  }

  private static void counter(Appendable out, String name, String help, LongAdder a)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(Long.toString(a.sum())).append('\n');
  }
}
