package dnsplane.resolver.net;

import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.resolve.Resolver;
import dnsplane.resolver.wire.Responses;
import dnsplane.resolver.wire.WireQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Rcode;

/**
 * QueryHandler is the edge shared by UDP and TCP: raw bytes in, raw bytes (or nothing) out. It
 * picks the rcode for everything that never reaches the resolver: REFUSED outside the ACL, silence
 * over the rate limit, FORMERR for malformed queries, NOTIMP for other opcodes, {@link
 * Responses#policyRcode} for questions it does not resolve, and SERVFAIL for an unexpected error
 * (logged, at most once per {@link #LOG_INTERVAL}: errors come per packet; each counted in {@code
 * errors}). An unexpected error never means silence: a query it accepted is answered, with SERVFAIL
 * from the header alone if nothing better can be built.
 */
public final class QueryHandler {
  private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final Resolver resolver;
  private final ClientAcl acl;
  private final RateLimiter limiter;
  private final Metrics metrics;
  private final RateLimitedLog errors;

  public QueryHandler(Resolver resolver, ClientAcl acl, RateLimiter limiter, Metrics metrics) {
    this(resolver, acl, limiter, metrics, Clock.systemUTC());
  }

  /** {@code clock} paces the error log only. */
  public QueryHandler(
      Resolver resolver, ClientAcl acl, RateLimiter limiter, Metrics metrics, Clock clock) {
    this.resolver = resolver;
    this.acl = acl;
    this.limiter = limiter;
    this.metrics = metrics;
    this.errors = new RateLimitedLog(log, clock, LOG_INTERVAL);
  }

  /**
   * The UDP fast path: a fresh cache hit for an allowed, not rate-limited client, rendered into a
   * buffer from {@code alloc}; null when {@link #handle} must take the query. No class or type
   * check here: the cache only ever holds questions that passed {@link Responses#policyRcode} (it
   * is filled by the resolver, which only {@link #handle} reaches, after that check), so a CH or
   * AXFR question always misses and lands there.
   */
  public ByteBuf tryUdpHit(byte[] raw, InetAddress client, ByteBufAllocator alloc) {
    if (!acl.allows(client)) {
      return null;
    }
    ByteBuf hit;
    try {
      WireQuery q = WireQuery.parse(raw);
      hit = q == null ? null : resolver.tryHitUdp(q, alloc);
    } catch (RuntimeException e) {
      // handle() takes the query and answers it, SERVFAIL at worst; Netty would only log a warning
      // and send nothing
      metrics.errors.increment();
      errors.error("the UDP hit path failed for a query from {}", client, e);
      return null;
    }
    if (hit == null) {
      return null; // handle() does the accounting, rate limit included
    }
    metrics.queries.increment();
    if (!limiter.tryAcquire(client)) {
      hit.release();
      metrics.rateLimited.increment();
      return Unpooled.EMPTY_BUFFER; // dropped: the caller sends nothing
    }
    return hit;
  }

  /**
   * Handles one query. {@code reply} is called exactly once: on this thread for hits and for
   * everything answered at the edge, later for misses; with null when nothing is to be sent
   * (dropped), so a caller that counts queries in flight (TCP) always hears back.
   */
  public void handle(byte[] raw, InetAddress client, boolean tcp, Consumer<byte[]> reply) {
    metrics.queries.increment();
    if (!acl.allows(client)) {
      metrics.refused.increment();
      reply.accept(
          raw.length >= 12 && (raw[2] & 0x80) == 0
              ? Responses.headerOnly(raw, Rcode.REFUSED)
              : null);
      return;
    }
    if (!limiter.tryAcquire(client)) {
      metrics.rateLimited.increment();
      reply.accept(null);
      return;
    }
    Object next;
    try {
      next = edge(raw, tcp);
    } catch (RuntimeException e) {
      metrics.errors.increment(); // every one, whatever the log suppresses
      errors.error("query from {} failed", client, e);
      metrics.servfail.increment();
      next = raw.length >= 12 ? Responses.headerOnly(raw, Rcode.SERVFAIL) : DROP;
    }
    if (!(next instanceof WireQuery query)) {
      reply.accept(next == DROP ? null : (byte[]) next);
      return;
    }
    resolve(query, tcp, reply);
  }

  /**
   * Replies with the resolver's answer to {@code query}. That answer is never meant to fail, but if
   * it does (thrown at once, or the future completes exceptionally or with nothing) the client
   * still gets SERVFAIL: an error must not turn into silence, and over TCP a missing reply would
   * also leave the query counted in flight for good.
   */
  private void resolve(WireQuery query, boolean tcp, Consumer<byte[]> reply) {
    CompletableFuture<byte[]> answer;
    try {
      answer = resolver.answer(query, tcp);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (bytes, ex) -> {
          byte[] out = bytes;
          if (ex != null || bytes == null) {
            out =
                failed(
                    query,
                    ex != null ? ex : new IllegalStateException("the resolver answered nothing"));
          }
          try {
            reply.accept(out);
          } catch (RuntimeException e) {
            // the reply was handed over once; an exception here would vanish in the future, so
            // count and log it
            metrics.errors.increment();
            errors.error("sending the answer to {} failed", query.key(), e);
          }
        });
  }

  /**
   * Counts and logs (rate-limited) an unexpected failure to answer {@code query}; returns SERVFAIL
   * for it.
   */
  private byte[] failed(WireQuery query, Throwable ex) {
    metrics.errors.increment(); // every one, whatever the log suppresses
    metrics.servfail.increment();
    Throwable cause =
        ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    errors.error("answering {} failed", query.key(), cause);
    return servfail(query);
  }

  /**
   * SERVFAIL for {@code q} with its question and EDNS echoed, or from its header alone when even
   * that cannot be built (the failure being answered may lie in the very question): either way a
   * well-formed reply. The second failure is not logged again: it is the one just counted and
   * logged.
   */
  private static byte[] servfail(WireQuery q) {
    try {
      return Responses.error(q, Rcode.SERVFAIL);
    } catch (RuntimeException e) {
      return Responses.headerOnly(q.raw(), Rcode.SERVFAIL);
    }
  }

  /** Nothing to send. */
  private static final Object DROP = new Object();

  /**
   * What happens to an allowed query: the reply bytes when the answer is known now (a hit, or a
   * reply chosen at the edge), {@link #DROP}, or the {@link WireQuery} the resolver must answer.
   */
  private Object edge(byte[] raw, boolean tcp) {
    WireQuery q = WireQuery.parse(raw);
    if (q == null) {
      Responses.Checked c = Responses.check(raw);
      if (c instanceof Responses.Drop) {
        return DROP;
      }
      if (c instanceof Responses.Reject r) {
        if (r.rcode() == Rcode.FORMERR) {
          metrics.formerr.increment();
        }
        return r.reply();
      }
      return ((Responses.Ok) c).query();
    }
    // the fast parser takes any class and type: judge them as the dnsjava path does
    // (Responses.check)
    int rcode = Responses.policyRcode(q);
    if (rcode != Rcode.NOERROR) {
      if (rcode == Rcode.FORMERR) {
        metrics.formerr.increment();
      }
      return Responses.error(q, rcode);
    }
    byte[] hit = resolver.tryHit(q, tcp);
    return hit != null ? hit : q;
  }
}
