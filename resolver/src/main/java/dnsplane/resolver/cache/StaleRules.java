package dnsplane.resolver.cache;

/**
 * StaleRules decides (PURE) how a cached entry can serve a query at a given time, after RFC 8767:
 *
 * <pre>
 *  entry                                  | now                                    | plan
 *  ---------------------------------------+----------------------------------------+------------------
 *  none, or expired past stale-max        |                                        | MISS
 *  guard suspect                          | before next retry                      | SUSPECT_STALE
 *  guard suspect                          | retry due                              | SUSPECT_RETRY
 *  fresh                                  |                                        | FRESH
 *  expired within stale-max               | a refresh failed &lt; recheck ago     | STALE_NOW
 *  expired within stale-max               | otherwise                              | REFRESH_THEN_STALE
 * </pre>
 */
public final class StaleRules {
  private StaleRules() {}

  /** What to do with a query, given the cache's entry for it. */
  public enum Plan {
    MISS,
    FRESH,
    STALE_NOW,
    REFRESH_THEN_STALE,
    SUSPECT_STALE,
    SUSPECT_RETRY
  }

  /**
   * Prefetch when the entry has had {@code minHits} hits and less than this share of its TTL is
   * left.
   */
  public static final int PREFETCH_PERCENT = 10;

  public static Plan plan(CacheEntry e, long now, long staleMaxMillis) {
    if (e == null || !servable(e.answer(), now, staleMaxMillis)) {
      return Plan.MISS;
    }
    if (e.guard() != null) {
      return now >= e.guard().nextRetryAtMillis() ? Plan.SUSPECT_RETRY : Plan.SUSPECT_STALE;
    }
    if (e.answer().freshAt(now)) {
      return Plan.FRESH;
    }
    return now < e.staleRecheckAtMillis() ? Plan.STALE_NOW : Plan.REFRESH_THEN_STALE;
  }

  /** Whether {@code a} may still be served, fresh or stale (expired less than stale-max ago). */
  public static boolean servable(Answer a, long now, long staleMaxMillis) {
    return now < a.expiresAtMillis() + staleMaxMillis;
  }

  /** Whether a popular fresh entry is close enough to expiry to be refreshed ahead of time. */
  public static boolean prefetchDue(Answer a, long now, int hits, int minHits) {
    if (minHits <= 0 || hits < minHits || a.ttlSeconds() <= 0) {
      return false;
    }
    long left = a.expiresAtMillis() - now;
    return left > 0 && left * 100 < a.ttlSeconds() * 1000L * PREFETCH_PERCENT;
  }
}
