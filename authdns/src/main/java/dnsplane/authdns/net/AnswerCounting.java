package dnsplane.authdns.net;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * AnswerCounting counts each answer in {@link QueryMetrics}. A rendered answer carries the series
 * it counts in (by transport, qtype and rcode; NODATA by qtype), found once when it is made, so a
 * cached answer is counted with a few increments and no lookup.
 */
final class AnswerCounting {
  private final QueryMetrics metrics;
  private final Positive[] positives = new Positive[256];

  AnswerCounting(QueryMetrics metrics) {
    this.metrics = metrics;
  }

  /** The cacheable answer {@code wire}, rendered from {@code response} to {@code query}. */
  ResponseCache.Entry entry(byte[] wire, Message query, Message response) {
    int qtype = query.getQuestion() == null ? 0 : query.getQuestion().getType();
    int rcode = response.getRcode();
    boolean nodata =
        rcode == Rcode.NOERROR
            && response.getHeader().getFlag(Flags.AA)
            && response.getSection(Section.ANSWER).isEmpty();
    return new ResponseCache.Entry(
        wire,
        metrics.queries(Transport.UDP, qtype, rcode),
        metrics.queries(Transport.TCP, qtype, rcode),
        nodata ? metrics.nodata(qtype) : null,
        (wire[2] & 0x02) != 0);
  }

  /**
   * The counters of a positive answer to a question of type {@code qtype} (an entry without bytes,
   * for {@link #count} and for {@link AnswerCache#put(ZoneSet, CacheKey, ResponseCache.Entry,
   * byte[], int, AnswerDependencies)}). Made once per type: answers written directly come at the
   * rate of cache misses, and looking their series up by name each time cost two map probes and two
   * keys per answer.
   */
  ResponseCache.Entry positive(int qtype) {
    Positive p = positives[qtype & 0xFF];
    if (p == null || p.qtype != qtype) {
      // A race makes the same entry twice: the series are the metrics' own, found by name.
      p =
          new Positive(
              qtype,
              new ResponseCache.Entry(
                  new byte[0],
                  metrics.queries(Transport.UDP, qtype, Rcode.NOERROR),
                  metrics.queries(Transport.TCP, qtype, Rcode.NOERROR),
                  null,
                  false));
      positives[qtype & 0xFF] = p;
    }
    return p.counters;
  }

  private record Positive(int qtype, ResponseCache.Entry counters) {}

  /** Counts one more query answered with {@code e} over {@code t}. */
  void count(ResponseCache.Entry e, Transport t) {
    (t == Transport.UDP ? e.udpQueries : e.tcpQueries).increment();
    if (e.nodata != null) {
      e.nodata.increment();
    }
    if (e.truncated) {
      metrics.truncated(t);
    }
  }

  /** Counts {@code query} answered {@code rcode} by the xfr package (never cached). */
  void routed(Transport t, Message query, int rcode) {
    int qtype = query.getQuestion() == null ? 0 : query.getQuestion().getType();
    metrics.queries(t, qtype, rcode).increment();
  }

  /** Counts a query the answerer drops (a response, not a query). */
  void dropped(Transport t) {
    metrics.dropped(t);
  }
}
