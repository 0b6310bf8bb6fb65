package dnsplane.authdns.net;

import dnsplane.authdns.answer.Answerer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * ServerOptions are the knobs of {@link AuthDnsServer}; {@link #defaults()} suits production.
 *
 * @param threads event-loop threads (and UDP sockets, with epoll)
 * @param maxPayload our EDNS UDP payload size: the cap on the client's and the size we advertise
 * @param tcpIdle a TCP connection with no traffic for this long is closed
 * @param cacheEntries rendered responses kept per snapshot (0 disables the cache)
 * @param maxTcpConnections open TCP connections beyond this are closed on accept
 * @param preferEpoll use epoll when the native transport is available
 * @param clock time source for rate-limited logging
 */
public record ServerOptions(
    int threads,
    int maxPayload,
    Duration tcpIdle,
    int cacheEntries,
    int maxTcpConnections,
    boolean preferEpoll,
    Clock clock) {
  public ServerOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (maxPayload < 512 || maxPayload > 65535) {
      throw new IllegalArgumentException("maxPayload must be in 512..65535, got " + maxPayload);
    }
    if (maxTcpConnections < 1) {
      throw new IllegalArgumentException("maxTcpConnections must be at least 1");
    }
    Objects.requireNonNull(tcpIdle, "tcpIdle");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * One thread per available core, 1232-byte payload, 10 s TCP idle, 100,000 cached answers, 1024
   * TCP connections.
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        Answerer.DEFAULT_PAYLOAD,
        Duration.ofSeconds(10),
        100_000,
        1024,
        true,
        Clock.systemUTC());
  }

  /** These options with {@code n} threads. */
  public ServerOptions withThreads(int n) {
    return new ServerOptions(
        n, maxPayload, tcpIdle, cacheEntries, maxTcpConnections, preferEpoll, clock);
  }

  /** These options with TCP idle timeout {@code d}. */
  public ServerOptions withTcpIdle(Duration d) {
    return new ServerOptions(
        threads, maxPayload, d, cacheEntries, maxTcpConnections, preferEpoll, clock);
  }

  /** These options with {@code n} cached responses per snapshot. */
  public ServerOptions withCacheEntries(int n) {
    return new ServerOptions(
        threads, maxPayload, tcpIdle, n, maxTcpConnections, preferEpoll, clock);
  }

  /** These options with epoll preferred or not (NIO is the portable fallback). */
  public ServerOptions withEpoll(boolean epoll) {
    return new ServerOptions(
        threads, maxPayload, tcpIdle, cacheEntries, maxTcpConnections, epoll, clock);
  }

  /** These options with at most {@code n} open TCP connections. */
  public ServerOptions withMaxTcpConnections(int n) {
    return new ServerOptions(threads, maxPayload, tcpIdle, cacheEntries, n, preferEpoll, clock);
  }
}
