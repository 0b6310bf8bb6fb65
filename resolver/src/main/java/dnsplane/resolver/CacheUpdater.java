package dnsplane.resolver;

import dnsplane.resolver.cache.Answer;
import dnsplane.resolver.cache.CacheEntry;
import dnsplane.resolver.cache.EmptyAnswerGuard;
import dnsplane.resolver.cache.GuardState;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.cache.StaleRules;
import dnsplane.resolver.cache.TtlRules;
import dnsplane.resolver.config.ResolverConfig;
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
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * CacheUpdater turns one upstream outcome into the cache's new entry for the question:
 *
 * <ol>
 *   <li>a failure (no reply, SERVFAIL, REFUSED, a referral) keeps the old entry and delays the next refresh by
 *       stale-recheck, so serve-stale answers at once meanwhile (RFC 8767 §4);
 *   <li>a positive answer replaces the entry, its TTL capped by max-ttl, and ends any suspicion;
 *   <li>an empty answer goes through {@link EmptyAnswerGuard}: believed (cached per RFC 2308, capped by
 *       max-negative-ttl), or held as suspect while the last positive answer keeps being served and upstream is
 *       asked again with backoff and jitter.
 * </ol>
 */
final class CacheUpdater {
  private static final Logger log = LoggerFactory.getLogger(CacheUpdater.class);

  private final ResolverConfig cfg;
  private final ResponseCache cache;
  private final Metrics metrics;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final BiConsumer<QuestionKey, Router.Route> refresh;

  CacheUpdater(
      ResolverConfig cfg,
      ResponseCache cache,
      Metrics metrics,
      Clock clock,
      TaskScheduler scheduler,
      BiConsumer<QuestionKey, Router.Route> refresh) {
    this.cfg = cfg;
    this.cache = cache;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
    this.refresh = refresh;
  }

  /** Applies {@code msg} (or the failure {@code ex}); returns the entry to serve or throws CompletionException. */
  CacheEntry apply(QuestionKey key, Name qname, Router.Route route, Message msg, Throwable ex) {
    long now = clock.millis();
    CacheEntry prev = cache.get(key);
    if (ex != null) {
      throw failed(key, route, prev, now, ex instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : ex);
    }
    int rcode = msg.getRcode();
    boolean hasAnswer = !msg.getSection(Section.ANSWER).isEmpty();
    SOARecord soa = TtlRules.soa(msg);
    if (rcode == Rcode.NOERROR && hasAnswer) {
      return positive(key, msg, prev, now);
    }
    boolean empty = rcode == Rcode.NXDOMAIN
        || (rcode == Rcode.NOERROR && (soa != null || msg.getHeader().getFlag(Flags.AA)));
    if (!empty) {
      String why = rcode == Rcode.NOERROR ? "referral or lame answer" : "rcode " + Rcode.string(rcode);
      throw failed(key, route, prev, now, new IllegalStateException(qname + ": upstream " + why));
    }
    boolean recentPositive = prev != null
        && prev.answer().kind() == Answer.Kind.POSITIVE
        && StaleRules.servable(prev.answer(), now, cfg.staleMax().toMillis());
    Long since = prev != null && prev.guard() != null ? prev.guard().suspectSinceMillis() : null;
    EmptyAnswerGuard.Decision d = EmptyAnswerGuard.decide(new EmptyAnswerGuard.Input(
        cfg.guard(), EmptyAnswerGuard.guarded(qname, cfg.guardSuffixes()), recentPositive, since, now,
        cfg.guardConfirm().toMillis()));
    if (d instanceof EmptyAnswerGuard.Suspect s) {
      metrics.suspectEmpty.increment();
      if (s.first()) {
        log.warn("{}: upstream says {} but it answered within stale-max; serving the last positive answer until "
                + "the empty answer has been seen for {}", key, Rcode.string(rcode), cfg.guardConfirm());
      }
      return suspect(key, route, prev, s.sinceMillis(), now);
    }
    if (d instanceof EmptyAnswerGuard.Confirmed c) {
      metrics.guardConfirmed.increment();
      log.warn("{}: empty answer seen consistently for {}s; letting it through", key, (now - c.sinceMillis()) / 1000);
    }
    return negative(key, msg, soa, now);
  }

  private CacheEntry positive(QuestionKey key, Message msg, CacheEntry prev, long now) {
    int ttl = TtlRules.positive(TtlRules.minTtl(msg), cfg.maxTtl());
    Answer a = Answer.of(msg, Answer.Kind.POSITIVE, now, ttl, r -> (int) Math.min(r.getTTL(), cfg.maxTtl()));
    if (prev != null && prev.guard() != null) {
      log.info("{}: positive answer again; suspicion cleared", key);
    }
    CacheEntry ne = CacheEntry.of(a);
    if (ttl > 0) {
      cache.put(key, ne);
    }
    return ne;
  }

  private CacheEntry negative(QuestionKey key, Message msg, SOARecord soa, long now) {
    // RFC 2308 §5: without an SOA there is no negative TTL, so the answer is served but not cached
    int ttl = soa == null ? 0 : TtlRules.negative(soa.getTTL(), soa.getMinimum(), cfg.maxNegativeTtl());
    Answer a = Answer.of(msg, Answer.Kind.NEGATIVE, now, ttl,
        r -> r instanceof SOARecord ? ttl : (int) Math.min(r.getTTL(), cfg.maxTtl()));
    CacheEntry ne = CacheEntry.of(a);
    if (ttl > 0) {
      cache.put(key, ne);
    } else {
      cache.invalidate(key);
    }
    return ne;
  }

  private CacheEntry suspect(QuestionKey key, Router.Route route, CacheEntry prev, long since, long now) {
    GuardState g = nextRetry(prev.guard(), since, now);
    CacheEntry ne = prev.withGuard(g);
    cache.put(key, ne);
    scheduleRetry(key, route, g.nextRetryAtMillis() - now);
    return ne;
  }

  private CompletionException failed(QuestionKey key, Router.Route route, CacheEntry prev, long now, Throwable cause) {
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
    long delay = Backoff.delayMillis(retries, cfg.guardRetryMin().toMillis(), cfg.guardRetryMax().toMillis(),
        ThreadLocalRandom.current().nextDouble());
    return new GuardState(since, now + delay, retries + 1);
  }

  private void scheduleRetry(QuestionKey key, Router.Route route, long delayMillis) {
    scheduler.schedule(Duration.ofMillis(Math.max(0, delayMillis)), () -> {
          CacheEntry cur = cache.get(key);
          if (cur != null && cur.guard() != null && clock.millis() >= cur.guard().nextRetryAtMillis()) {
            refresh.accept(key, route);
          }
        });
  }
}
