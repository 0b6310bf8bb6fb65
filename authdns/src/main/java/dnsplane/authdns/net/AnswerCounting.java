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

  /** A positive answer {@code wire} to a question of type {@code qtype}, written directly. */
  ResponseCache.Entry positive(byte[] wire, int qtype) {
    return new ResponseCache.Entry(
        wire,
        metrics.queries(Transport.UDP, qtype, Rcode.NOERROR),
        metrics.queries(Transport.TCP, qtype, Rcode.NOERROR),
        null,
        false);
  }

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
