package dnsplane.resolver.resolve;

import dnsplane.resolver.cache.Answer;
import dnsplane.resolver.cache.CacheEntry;
import dnsplane.resolver.cache.EmptyAnswerGuard;
import dnsplane.resolver.cache.GuardMemory;
import dnsplane.resolver.cache.GuardState;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.cache.ResponseShape;
import dnsplane.resolver.cache.StaleRules;
import dnsplane.resolver.cache.TtlRules;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.upstream.Backoff;
import dnsplane.resolver.upstream.Router;
import dnsplane.resolver.wire.QuestionKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;

/**
 * CacheUpdater turns one upstream outcome into the cache's new entry for the question:
 *
 * <ol>
 *   <li>a failure (no reply, SERVFAIL, REFUSED, a referral) keeps the old entry and delays the next
 *       refresh by stale-recheck, so serve-stale answers at once meanwhile (RFC 8767 §4);
 *   <li>a positive answer replaces the entry, its TTL capped by max-ttl, and ends any suspicion;
 *       for a guarded name it is also remembered in the {@link GuardMemory};
 *   <li>an empty answer (NXDOMAIN or NODATA, also at the end of a CNAME chain: {@link
 *       ResponseShape}) goes through {@link EmptyAnswerGuard}: believed (cached per RFC 2308,
 *       capped by max-negative-ttl), or held as suspect while the last positive answer keeps being
 *       served and upstream is asked again with backoff and jitter. The last positive answer comes
 *       from the cache, or from the guard memory when a flush or an eviction has taken it out of
 *       the cache.
 * </ol>
 */
final class CacheUpdater {
  private static final Logger log = LoggerFactory.getLogger(CacheUpdater.class);

  private final ResolverConfig cfg;
  private final ResponseCache cache;
  private final GuardMemory guardMemory;
  private final Metrics metrics;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final BiConsumer<QuestionKey, Router.Route> refresh;

  CacheUpdater(
      ResolverConfig cfg,
      ResponseCache cache,
      GuardMemory guardMemory,
      Metrics metrics,
      Clock clock,
      TaskScheduler scheduler,
      BiConsumer<QuestionKey, Router.Route> refresh) {
    this.cfg = cfg;
    this.cache = cache;
    this.guardMemory = guardMemory;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
    this.refresh = refresh;
  }

  /**
   * Applies {@code msg} (or the failure {@code ex}); returns the entry to serve or throws
   * CompletionException.
   */
  CacheEntry apply(QuestionKey key, Name qname, Router.Route route, Message msg, Throwable ex) {
    long now = clock.millis();
    CacheEntry prev = cache.get(key);
    if (ex != null) {
      throw failed(
          key,
          route,
          prev,
          now,
          ex instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : ex);
    }
    return switch (ResponseShape.of(msg, qname, key.qtype())) {
      case POSITIVE -> positive(key, qname, msg, prev, now);
      case EMPTY -> empty(key, qname, route, msg, prev, now);
      case UNUSABLE -> {
        int rcode = msg.getRcode();
        String why =
            rcode == Rcode.NOERROR ? "referral or lame answer" : "rcode " + Rcode.string(rcode);
        throw failed(key, route, prev, now, new IllegalStateException(qname + ": upstream " + why));
      }
    };
  }

  /**
   * The last positive answer the guard may keep serving, and when the current suspicion started (or
   * null).
   */
  private record Kept(Answer lastPositive, Long suspectSinceMillis) {}

  private CacheEntry empty(
      QuestionKey key, Name qname, Router.Route route, Message msg, CacheEntry prev, long now) {
    boolean guardedName = EmptyAnswerGuard.guarded(qname, cfg.guardSuffixes());
    Kept kept = kept(key, prev, cfg.guard() && guardedName, now);
    EmptyAnswerGuard.Decision d =
        EmptyAnswerGuard.decide(
            new EmptyAnswerGuard.Input(
                cfg.guard(),
                guardedName,
                kept.lastPositive() != null,
                kept.suspectSinceMillis(),
                now,
                cfg.guardConfirm().toMillis()));
    if (d instanceof EmptyAnswerGuard.Suspect s) {
      metrics.suspectEmpty.increment();
      if (s.first()) {
        log.warn(
            "{}: upstream says {} but it answered within stale-max; serving the last positive"
                + " answer until the empty answer has been seen for {}",
            key,
            Rcode.string(msg.getRcode()),
            cfg.guardConfirm());
      }
      guardMemory.markSuspect(key, s.sinceMillis());
      // after a flush or an eviction the cache has no entry: the remembered answer becomes one
      // again
      CacheEntry base =
          prev != null && prev.answer() == kept.lastPositive()
              ? prev
              : CacheEntry.of(kept.lastPositive());
      return suspect(key, route, base, s.sinceMillis(), now);
    }
    if (d instanceof EmptyAnswerGuard.Confirmed c) {
      metrics.guardConfirmed.increment();
      guardMemory.forget(key); // a real deletion: nothing left to guard
      log.warn(
          "{}: empty answer seen consistently for {}s; letting it through",
          key,
          (now - c.sinceMillis()) / 1000);
    }
    return negative(key, msg, TtlRules.soa(msg), now);
  }

  /**
   * What the guard has to go on: the cache's entry while it holds a positive answer, else (for a
   * guarded name) the guard memory. The suspicion start comes from the cache entry, else from the
   * memory.
   */
  private Kept kept(QuestionKey key, CacheEntry prev, boolean guarded, long now) {
    Answer last =
        prev != null
                && prev.answer().kind() == Answer.Kind.POSITIVE
                && StaleRules.servable(prev.answer(), now, cfg.staleMax().toMillis())
            ? prev.answer()
            : null;
    Long since = prev != null && prev.guard() != null ? prev.guard().suspectSinceMillis() : null;
    GuardMemory.Remembered r = guarded ? guardMemory.recall(key, now) : null;
    if (r != null) {
      last = last != null ? last : r.lastPositive();
      since = since != null ? since : r.suspect() ? Long.valueOf(r.suspectSinceMillis()) : null;
    }
    return new Kept(last, since);
  }

  private CacheEntry positive(QuestionKey key, Name qname, Message msg, CacheEntry prev, long now) {
    int ttl = TtlRules.positive(TtlRules.minTtl(msg), cfg.maxTtl());
    Answer a =
        Answer.of(
            msg, Answer.Kind.POSITIVE, now, ttl, r -> (int) Math.min(r.getTTL(), cfg.maxTtl()));
    if (prev != null && prev.guard() != null) {
      log.info("{}: positive answer again; suspicion cleared", key);
    }
    CacheEntry ne = CacheEntry.of(a);
    if (ttl > 0) {
      cache.put(key, ne);
      if (cfg.guard() && EmptyAnswerGuard.guarded(qname, cfg.guardSuffixes())) {
        guardMemory.remember(key, a);
      }
    }
    return ne;
  }

  private CacheEntry negative(QuestionKey key, Message msg, SOARecord soa, long now) {
    // RFC 2308 §5: without an SOA there is no negative TTL, so the answer is served but not cached
    int ttl =
        soa == null
            ? 0
            : TtlRules.negativeAfterChain(
                TtlRules.negative(soa.getTTL(), soa.getMinimum(), cfg.maxNegativeTtl()),
                TtlRules.answerMinTtl(msg));
    Answer a =
        Answer.of(
            msg,
            Answer.Kind.NEGATIVE,
            now,
            ttl,
            r -> r instanceof SOARecord ? ttl : (int) Math.min(r.getTTL(), cfg.maxTtl()));
    CacheEntry ne = CacheEntry.of(a);
    if (ttl > 0) {
      cache.put(key, ne);
    } else {
      cache.invalidate(key);
    }
    return ne;
  }

  private CacheEntry suspect(
      QuestionKey key, Router.Route route, CacheEntry base, long since, long now) {
    GuardState g = nextRetry(base.guard(), since, now);
    CacheEntry ne = base.withGuard(g);
    cache.put(key, ne);
    scheduleRetry(key, route, g.nextRetryAtMillis() - now);
    return ne;
  }

  private CompletionException failed(
      QuestionKey key, Router.Route route, CacheEntry prev, long now, Throwable cause) {
    if (prev != null) {
      CacheEntry ne = prev.withStaleRecheckAt(now + cfg.staleRecheck().toMillis());
      if (prev.guard() != null) {
        GuardState g = nextRetry(prev.guard(), prev.guard().suspectSinceMillis(), now);
        ne = ne.withGuard(g);
        scheduleRetry(key, route, g.nextRetryAtMillis() - now);
      }
      cache.put(key, ne);
    }
    log.debug("{}: {}", key, cause.getMessage());
    return new CompletionException(cause);
  }

  private GuardState nextRetry(GuardState g, long since, long now) {
    int retries = g == null ? 0 : g.retries();
    long delay =
        Backoff.delayMillis(
            retries,
            cfg.guardRetryMin().toMillis(),
            cfg.guardRetryMax().toMillis(),
            ThreadLocalRandom.current().nextDouble());
    return new GuardState(since, now + delay, retries + 1);
  }

  private void scheduleRetry(QuestionKey key, Router.Route route, long delayMillis) {
    scheduler.schedule(
        Duration.ofMillis(Math.max(0, delayMillis)),
        () -> {
          CacheEntry cur = cache.get(key);
          if (cur != null
              && cur.guard() != null
              && clock.millis() >= cur.guard().nextRetryAtMillis()) {
            refresh.accept(key, route);
          }
        });
  }
}
