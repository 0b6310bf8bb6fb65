package dnsplane.authdns.net;

import dnsplane.authdns.rrl.ResponseClass;
import dnsplane.authdns.xfr.XfrMetrics;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
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
  private final LongAdder[] rrlDropped = adders(ResponseClass.values().length);
  private final LongAdder[] rrlSlipped = adders(ResponseClass.values().length);
  private final LongAdder[] tcpClosed = adders(TcpClose.values().length);
  private final LongAdder tcpReadPauses = new LongAdder();
  // Gauges the running server reads on each scrape (name -> help, supplier); last start wins.
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  private record Gauge(String help, LongSupplier value) {}

  /** Why the server closed a TCP connection. */
  public enum TcpClose {
    /** Over the connection cap, at accept. */
    REFUSED,
    /** No query and no reply progress for the idle timeout. */
    IDLE,
    /** A query's bytes did not all arrive within the I/O timeout. */
    IO_TIMEOUT,
    /** Open longer than the connection lifetime. */
    LIFETIME;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

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

  /** Input over {@code transport} so far that could not be parsed as a DNS query. */
  public long malformedTotal(Transport transport) {
    return malformed[transport.ordinal()].sum();
  }

  /** Input over {@code transport} so far dropped without any reply. */
  public long droppedTotal(Transport transport) {
    return dropped[transport.ordinal()].sum();
  }

  /** Counts a UDP response withheld by rate limiting. */
  public void rrlDropped(ResponseClass cls) {
    rrlDropped[cls.ordinal()].increment();
  }

  /** Counts a UDP response replaced by a truncated reply by rate limiting. */
  public void rrlSlipped(ResponseClass cls) {
    rrlSlipped[cls.ordinal()].increment();
  }

  /** UDP responses dropped by rate limiting, all classes. */
  public long rrlDroppedTotal() {
    return sum(rrlDropped);
  }

  /** UDP responses slipped (sent truncated) by rate limiting, all classes. */
  public long rrlSlippedTotal() {
    return sum(rrlSlipped);
  }

  /** Counts a TCP connection the server closed, by reason. */
  public void tcpClosed(TcpClose why) {
    tcpClosed[why.ordinal()].increment();
  }

  /** TCP connections the server closed for {@code why}. */
  public long tcpClosedTotal(TcpClose why) {
    return tcpClosed[why.ordinal()].sum();
  }

  /** Counts a TCP connection that stopped reading because its replies were not being taken. */
  public void tcpReadPaused() {
    tcpReadPauses.increment();
  }

  /** Times a TCP connection stopped reading for back-pressure. */
  public long tcpReadPauses() {
    return tcpReadPauses.sum();
  }

  /** Renders gauge {@code name} from {@code value} on every scrape (replacing one so named). */
  public void gauge(String name, String help, LongSupplier value) {
    gauges.put(name, new Gauge(help, value));
  }

  /** Removes gauge {@code name} if {@code value} is still the one rendered for it. */
  public void removeGauge(String name, LongSupplier value) {
    gauges.computeIfPresent(name, (k, g) -> g.value() == value ? null : g);
  }

  /** The current value of gauge {@code name}, or -1 when there is none. */
  public long gaugeValue(String name) {
    Gauge g = gauges.get(name);
    return g == null ? -1 : g.value().getAsLong();
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
    perClass(
        out,
        "dnsplane_authdns_rrl_dropped_total",
        "UDP responses dropped by response rate limiting.",
        rrlDropped);
    perClass(
        out,
        "dnsplane_authdns_rrl_slipped_total",
        "UDP responses sent truncated (TC=1) instead by response rate limiting.",
        rrlSlipped);
    out.append("# HELP dnsplane_authdns_tcp_closed_total TCP connections closed by the server.\n");
    out.append("# TYPE dnsplane_authdns_tcp_closed_total counter\n");
    for (TcpClose c : TcpClose.values()) {
      out.append("dnsplane_authdns_tcp_closed_total{reason=\"")
          .append(c.label())
          .append("\"} ")
          .append(Long.toString(tcpClosed[c.ordinal()].sum()))
          .append('\n');
    }
    out.append("# HELP dnsplane_authdns_tcp_read_pauses_total Times a TCP connection stopped");
    out.append(" reading until its replies drained.\n");
    out.append("# TYPE dnsplane_authdns_tcp_read_pauses_total counter\n");
    out.append("dnsplane_authdns_tcp_read_pauses_total ")
        .append(Long.toString(tcpReadPauses.sum()))
        .append('\n');
    for (Map.Entry<String, Gauge> g : new TreeMap<>(gauges).entrySet()) {
      out.append("# HELP ").append(g.getKey()).append(' ').append(g.getValue().help()).append('\n');
      out.append("# TYPE ").append(g.getKey()).append(" gauge\n");
      out.append(g.getKey())
          .append(' ')
          .append(Long.toString(g.getValue().value().getAsLong()))
          .append('\n');
    }
  }

  private static void perClass(Appendable out, String name, String help, LongAdder[] a)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    for (ResponseClass c : ResponseClass.values()) {
      out.append(name)
          .append("{class=\"")
          .append(c.name().toLowerCase(Locale.ROOT))
          .append("\"} ")
          .append(Long.toString(a[c.ordinal()].sum()))
          .append('\n');
    }
  }

  private static long sum(LongAdder[] a) {
    long n = 0;
    for (LongAdder x : a) {
      n += x.sum();
    }
    return n;
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
    return adders(Transport.values().length);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
