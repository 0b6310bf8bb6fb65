package dnsplane.resolver.upstream;

/**
 * Backoff computes retry delays (PURE): exponential growth from {@code base}, capped, with "equal
 * jitter" (half fixed, half random) so that retries from many resolvers spread out instead of
 * arriving as a herd.
 */
public final class Backoff {
  private Backoff() {}

  /**
   * @param attempt 0 for the first retry
   * @param random01 a uniform random number in [0, 1)
   */
  public static long delayMillis(int attempt, long baseMillis, long capMillis, double random01) {
    long exp = baseMillis << Math.min(attempt, 30);
    if (exp <= 0 || exp > capMillis) {
      exp = capMillis;
    }
    return exp / 2 + (long) (random01 * (exp - exp / 2));
  }
}
