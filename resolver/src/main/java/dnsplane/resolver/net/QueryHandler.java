package dnsplane.resolver.net;

import dnsplane.resolver.Metrics;
import dnsplane.resolver.Resolver;
import dnsplane.resolver.wire.Responses;
import dnsplane.resolver.wire.WireQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Rcode;

/**
 * QueryHandler is the edge shared by UDP and TCP: raw bytes in, raw bytes (or nothing) out. It picks the rcode for
 * everything that never reaches the resolver: REFUSED outside the ACL, silence over the rate limit, FORMERR for
 * malformed queries, NOTIMP for other opcodes, and SERVFAIL for an unexpected error (logged).
 */
public final class QueryHandler {
  private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);

  private final Resolver resolver;
  private final ClientAcl acl;
  private final RateLimiter limiter;
  private final Metrics metrics;

  public QueryHandler(Resolver resolver, ClientAcl acl, RateLimiter limiter, Metrics metrics) {
    this.resolver = resolver;
    this.acl = acl;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  /**
   * The UDP fast path: a fresh cache hit for an allowed, not rate-limited client, rendered into a buffer from
   * {@code alloc}; null when {@link #handle} must take the query.
   */
  public ByteBuf tryUdpHit(byte[] raw, InetAddress client, ByteBufAllocator alloc) {
    if (!acl.allows(client)) {
      return null;
    }
    WireQuery q = WireQuery.parse(raw);
    if (q == null) {
      return null;
    }
    ByteBuf hit = resolver.tryHitUdp(q, alloc);
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

  /** Handles one query; {@code reply} is called at most once, on this thread for hits, later for misses. */
  public void handle(byte[] raw, InetAddress client, boolean tcp, Consumer<byte[]> reply) {
    metrics.queries.increment();
    if (!acl.allows(client)) {
      metrics.refused.increment();
      if (raw.length >= 12 && (raw[2] & 0x80) == 0) {
        reply.accept(Responses.headerOnly(raw, Rcode.REFUSED));
      }
      return;
    }
    if (!limiter.tryAcquire(client)) {
      metrics.rateLimited.increment();
      return;
    }
    try {
      WireQuery q = WireQuery.parse(raw);
      if (q != null) {
        byte[] hit = resolver.tryHit(q, tcp);
        if (hit != null) {
          reply.accept(hit);
          return;
        }
      } else {
        Responses.Checked c = Responses.check(raw);
        if (c instanceof Responses.Drop) {
          return;
        }
        if (c instanceof Responses.Reject r) {
          if (r.rcode() == Rcode.FORMERR) {
            metrics.formerr.increment();
          }
          reply.accept(r.reply());
          return;
        }
        q = ((Responses.Ok) c).query();
      }
      WireQuery query = q;
      resolver.answer(q, tcp).whenComplete((bytes, ex) -> {
            if (ex != null) {
              log.error("answering {} failed", query.key(), ex);
              metrics.servfail.increment();
              reply.accept(Responses.error(query, Rcode.SERVFAIL));
            } else {
              reply.accept(bytes);
            }
          });
    } catch (RuntimeException e) {
      log.error("query from {} failed", client, e);
      metrics.servfail.increment();
      if (raw.length >= 12) {
        reply.accept(Responses.headerOnly(raw, Rcode.SERVFAIL));
      }
    }
  }
}
