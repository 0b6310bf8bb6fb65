package dnsplane.resolver.resolve;

import dnsplane.resolver.cache.Answer;
import dnsplane.resolver.cache.CacheEntry;
import dnsplane.resolver.cache.GuardMemory;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.cache.StaleRules;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.upstream.Coalescer;
import dnsplane.resolver.upstream.Router;
import dnsplane.resolver.upstream.UpstreamClient;
import dnsplane.resolver.wire.QuestionKey;
import dnsplane.resolver.wire.ReplyWriter;
import dnsplane.resolver.wire.Responses;
import dnsplane.resolver.wire.WireQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Resolver answers queries from the cache and resolves the rest upstream. The hit path ({@link
 * #tryHit}) runs on the network thread and only copies and patches bytes; everything else ({@link
 * #answer}) follows the plan that {@link StaleRules} picks:
 *
 * <ol>
 *   <li>FRESH: render the cached answer with its TTLs counted down.
 *   <li>MISS: ask upstream (coalesced) and wait for the outcome; SERVFAIL if it fails.
 *   <li>REFRESH_THEN_STALE / SUSPECT_RETRY: ask upstream, but answer stale once client-timeout
 *       passes or the ask fails; the ask carries on in the background and updates the cache.
 *   <li>STALE_NOW / SUSPECT_STALE: answer stale at once (a refresh failed recently, or a guard
 *       retry is not due).
 * </ol>
 *
 * Upstream outcomes are applied to the cache by {@link CacheUpdater}.
 */
public final class Resolver {
  private final ResolverConfig cfg;
  private final ResponseCache cache;
  private final Router router;
  private final Metrics metrics;
  private final Clock clock;
  private final CacheUpdater updater;
  private final UpstreamClient upstream;
  private final Coalescer<QuestionKey, CacheEntry> coalescer;
  private final long staleMaxMillis;

  public Resolver(
      ResolverConfig cfg,
      ResponseCache cache,
      GuardMemory guardMemory,
      UpstreamClient upstream,
      Metrics metrics,
      Clock clock,
      TaskScheduler scheduler) {
    this.cfg = cfg;
    this.cache = cache;
    this.router = new Router(cfg.stubZones(), cfg.forwarders());
    this.metrics = metrics;
    this.clock = clock;
    this.upstream = upstream;
    this.coalescer = new Coalescer<>(metrics.coalesced, cfg.maxPendingMisses(), metrics.overloaded);
    metrics.gauge(
        "pending_misses",
        "Upstream resolutions outstanding (bounded by max-pending-misses)",
        coalescer::inFlight);
    this.staleMaxMillis = cfg.staleMax().toMillis();
    this.updater =
        new CacheUpdater(cfg, cache, guardMemory, metrics, clock, scheduler, this::refresh);
  }

  /** A fresh cache hit for {@code q}, rendered; null when the slow path must answer. */
  public byte[] tryHit(WireQuery q, boolean tcp) {
    long now = clock.millis();
    Answer a = freshHit(q, now);
    return a == null ? null : ReplyWriter.render(a, q, now, tcp);
  }

  /**
   * A fresh cache hit for {@code q} over UDP written into a buffer from {@code alloc}; null when
   * the slow path must answer (miss, stale, suspect, or too big for the client's UDP size).
   */
  public ByteBuf tryHitUdp(WireQuery q, ByteBufAllocator alloc) {
    long now = clock.millis();
    CacheEntry e = cache.peek(q.key());
    if (e == null || e.guard() != null || !e.answer().freshAt(now)) {
      return null;
    }
    Answer a = e.answer();
    ByteBuf out = alloc.directBuffer(a.wire().length + 11);
    boolean rendered = false;
    try {
      rendered = ReplyWriter.writeInto(a, q, now, out);
    } finally {
      if (!rendered) {
        out.release(); // too big, or a render that threw: the buffer must not leak either way
      }
    }
    if (!rendered) {
      return null;
    }
    counted(e, a, q, now);
    return out;
  }

  private Answer freshHit(WireQuery q, long now) {
    CacheEntry e = cache.peek(q.key());
    if (e == null || e.guard() != null || !e.answer().freshAt(now)) {
      return null;
    }
    counted(e, e.answer(), q, now);
    return e.answer();
  }

  private void counted(CacheEntry e, Answer a, WireQuery q, long now) {
    countHit(a);
    int hits = cache.hit(q.key(), e);
    if (StaleRules.prefetchDue(a, now, hits, cfg.prefetch()) && e.claimPrefetch()) {
      metrics.prefetches.increment();
      Router.Route route = router.route(name(q));
      if (route != null) {
        refresh(q.key(), route);
      }
    }
  }

  /**
   * The answer to {@code q}, following the plan for its cache entry. Throws or completes
   * exceptionally only on a bug (say, a reply dnsjava cannot build); the caller then answers
   * SERVFAIL ({@code QueryHandler}).
   */
  public CompletableFuture<byte[]> answer(WireQuery q, boolean tcp) {
    long now = clock.millis();
    CacheEntry e = cache.get(q.key());
    StaleRules.Plan plan = StaleRules.plan(e, now, staleMaxMillis);
    switch (plan) {
      case FRESH:
        countHit(e.answer());
        e.hit();
        return CompletableFuture.completedFuture(ReplyWriter.render(e.answer(), q, now, tcp));
      case STALE_NOW:
      case SUSPECT_STALE:
        return CompletableFuture.completedFuture(stale(e, q, tcp, now));
      default:
        break;
    }
    Name qname = name(q);
    Router.Route route = router.route(qname);
    if (route == null) {
      metrics.noRoute.increment();
      return CompletableFuture.completedFuture(Responses.error(q, cfg.noRouteRcode()));
    }
    CompletableFuture<CacheEntry> fetch = refresh(q.key(), route);
    if (plan != StaleRules.Plan.SUSPECT_RETRY) {
      metrics.misses.increment();
    }
    if (plan == StaleRules.Plan.MISS) {
      return fetch.handle((ne, ex) -> ne != null ? served(ne, q, tcp) : servfail(q));
    }
    long deadline = cfg.clientTimeout().toMillis();
    return fetch
        .copy()
        .completeOnTimeout(null, deadline, TimeUnit.MILLISECONDS)
        .handle(
            (ne, ex) -> {
              if (ne != null) {
                return served(ne, q, tcp);
              }
              CacheEntry now2 = cache.get(q.key()); // a failed refresh may have updated the entry
              return stale(now2 != null ? now2 : e, q, tcp, clock.millis());
            });
  }

  /**
   * Asks upstream for {@code key} (at most one ask in flight per question) and applies the outcome.
   * Beyond max-pending-misses questions in flight it fails at once ({@link Coalescer.Overloaded})
   * without touching the cache: a miss then gets SERVFAIL, an expired entry is served stale.
   */
  CompletableFuture<CacheEntry> refresh(QuestionKey key, Router.Route route) {
    Name qname = nameOf(key);
    return coalescer.run(
        key,
        () ->
            upstream
                .query(qname, key.qtype(), route)
                .handle((msg, ex) -> updater.apply(key, qname, route, msg, ex)));
  }

  /** Serves what the cache now holds for a question just fetched. */
  private byte[] served(CacheEntry ne, WireQuery q, boolean tcp) {
    long now = clock.millis();
    if (ne.guard() != null) {
      return stale(ne, q, tcp, now);
    }
    return ReplyWriter.render(ne.answer(), q, Math.min(now, ne.answer().expiresAtMillis()), tcp);
  }

  private byte[] stale(CacheEntry e, WireQuery q, boolean tcp, long now) {
    if (e == null || !StaleRules.servable(e.answer(), now, staleMaxMillis)) {
      return servfail(q);
    }
    metrics.staleServed.increment();
    String text =
        e.guard() != null
            ? dnsplane.resolver.cache.EmptyAnswerGuard.reason(e.guard().suspectSinceMillis(), now)
            : "upstream unreachable; answer expired "
                + Math.max(0, (now - e.answer().expiresAtMillis()) / 1000)
                + "s ago";
    return Responses.stale(e.answer(), q, cfg.staleTtl(), text, tcp);
  }

  private byte[] servfail(WireQuery q) {
    byte[] out = Responses.error(q, Rcode.SERVFAIL);
    metrics.servfail
        .increment(); // after the build: when it throws, the caller counts its own SERVFAIL
    return out;
  }

  private void countHit(Answer a) {
    metrics.hits.increment();
    if (a.kind() == Answer.Kind.NEGATIVE) {
      metrics.negativeHits.increment();
    }
  }

  private static Name name(WireQuery q) {
    return nameOf(q.key());
  }

  static Name nameOf(QuestionKey key) {
    try {
      return new Name(key.wireName());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a parsed question name does not parse again", e);
    }
  }

  public ResponseCache cache() {
    return cache;
  }
}
