package dnsplane.authdns.net;

import dnsplane.authdns.xfr.XfrMetrics;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * QueryMetrics counts what the DNS edge answered: queries by transport, qtype and rcode, NODATA
 * answers as their own series (an emptied endpoint must be visible to monitoring), truncated
 * responses, and malformed or dropped input. Counters are LongAdders; {@link #writePrometheus}
 * renders them in the Prometheus text format.
 */
public final class QueryMetrics {
  // Qtypes outside this list are counted as "OTHER" so that a client cannot create 65536 series.
  private static final int[] NAMED_TYPES = {
    Type.A,
    Type.AAAA,
    Type.CNAME,
    Type.MX,
    Type.NS,
    Type.SOA,
    Type.TXT,
    Type.SRV,
    Type.PTR,
    Type.CAA,
    Type.DS,
    Type.DNSKEY,
    Type.HTTPS,
    Type.SVCB,
    Type.ANY,
    Type.AXFR,
    Type.IXFR,
    Type.NAPTR,
    Type.HINFO
  };

  private final ConcurrentHashMap<QueryKey, LongAdder> queries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> nodata = new ConcurrentHashMap<>();
  private final LongAdder[] truncated = adders();
  private final LongAdder[] malformed = adders();
  private final LongAdder[] dropped = adders();
  private final LongAdder internalErrors = new LongAdder();
  private final XfrMetrics xfr = new XfrMetrics();

  private record QueryKey(Transport transport, String qtype, String rcode) {}

  /**
   * The counter of answered queries for (transport, qtype, rcode). Hot paths may keep the returned
   * adder and increment it directly.
   */
  public LongAdder queries(Transport transport, int qtype, int rcode) {
    return queries.computeIfAbsent(
        new QueryKey(transport, typeLabel(qtype), Rcode.string(rcode)), k -> new LongAdder());
  }

  /** The counter of NOERROR answers with no data for {@code qtype}. */
  public LongAdder nodata(int qtype) {
    return nodata.computeIfAbsent(typeLabel(qtype), k -> new LongAdder());
  }

  /** Counts one answered query with its outcome. */
  public void recordAnswer(
      Transport transport, int qtype, int rcode, boolean isNodata, boolean isTruncated) {
    queries(transport, qtype, rcode).increment();
    if (isNodata) {
      nodata(qtype).increment();
    }
    if (isTruncated) {
      truncated[transport.ordinal()].increment();
    }
  }

  /** Counts a response that did not fit and went out with TC=1. */
  public void truncated(Transport transport) {
    truncated[transport.ordinal()].increment();
  }

  /** Counts input that could not be parsed as a DNS query. */
  public void malformed(Transport transport) {
    malformed[transport.ordinal()].increment();
  }

  /** Counts input dropped without any reply (e.g. QR set, shorter than a header). */
  public void dropped(Transport transport) {
    dropped[transport.ordinal()].increment();
  }

  /** Counts an unexpected exception answered with SERVFAIL. */
  public void internalError() {
    internalErrors.increment();
  }

  /** Total answered queries over all series (for tests and health). */
  public long totalQueries() {
    return queries.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The zone-transfer and NOTIFY counters, rendered with these. */
  public XfrMetrics xfr() {
    return xfr;
  }

  /** Writes every counter in the Prometheus text exposition format. */
  public void writePrometheus(Appendable out) throws IOException {
    out.append("# HELP dnsplane_authdns_queries_total DNS queries answered.\n");
    out.append("# TYPE dnsplane_authdns_queries_total counter\n");
    Map<String, Long> sorted = new TreeMap<>();
    queries.forEach(
        (k, v) ->
            sorted.put(
                "{transport=\""
                    + k.transport().label()
                    + "\",qtype=\""
                    + k.qtype()
                    + "\",rcode=\""
                    + k.rcode()
                    + "\"}",
                v.sum()));
    writeSeries(out, "dnsplane_authdns_queries_total", sorted);

    out.append("# HELP dnsplane_authdns_nodata_total NOERROR answers with no data (NODATA).\n");
    out.append("# TYPE dnsplane_authdns_nodata_total counter\n");
    sorted.clear();
    nodata.forEach((k, v) -> sorted.put("{qtype=\"" + k + "\"}", v.sum()));
    writeSeries(out, "dnsplane_authdns_nodata_total", sorted);

    perTransport(out, "dnsplane_authdns_truncated_total", "Responses sent with TC=1.", truncated);
    perTransport(
        out, "dnsplane_authdns_malformed_total", "Input that was not a valid query.", malformed);
    perTransport(out, "dnsplane_authdns_dropped_total", "Input dropped with no reply.", dropped);
    out.append("# HELP dnsplane_authdns_internal_errors_total Queries answered SERVFAIL after an");
    out.append(" unexpected exception.\n");
    out.append("# TYPE dnsplane_authdns_internal_errors_total counter\n");
    out.append("dnsplane_authdns_internal_errors_total ")
        .append(Long.toString(internalErrors.sum()))
        .append('\n');
    xfr.writePrometheus(out);
  }

  private static void perTransport(Appendable out, String name, String help, LongAdder[] a)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    for (Transport t : Transport.values()) {
      out.append(name)
          .append("{transport=\"")
          .append(t.label())
          .append("\"} ")
          .append(Long.toString(a[t.ordinal()].sum()))
          .append('\n');
    }
  }

  private static void writeSeries(Appendable out, String name, Map<String, Long> series)
      throws IOException {
    for (Map.Entry<String, Long> e : series.entrySet()) {
      out.append(name).append(e.getKey()).append(' ').append(e.getValue().toString()).append('\n');
    }
  }

  static String typeLabel(int qtype) {
    for (int t : NAMED_TYPES) {
      if (t == qtype) {
        return Type.string(qtype);
      }
    }
    return "OTHER";
  }

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[Transport.values().length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
