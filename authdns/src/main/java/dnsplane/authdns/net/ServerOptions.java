package dnsplane.authdns.net;

import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.rrl.RrlConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * ServerOptions are the knobs of {@link AuthDnsServer}; {@link #defaults()} suits production.
 *
 * @param threads event-loop threads (and UDP sockets, with epoll)
 * @param maxPayload our EDNS UDP payload size: the cap on the client's and the size we advertise
 * @param tcpIdle a TCP connection that neither sends a whole query nor takes a reply for this long
 *     is closed
 * @param cacheEntries rendered responses kept per snapshot (0 disables the cache)
 * @param maxTcpConnections open TCP connections beyond this are closed on accept
 * @param preferEpoll use epoll when the native transport is available
 * @param nativeUdp with epoll preferred, serve UDP through {@link NativeUdp} (recvmmsg and sendmmsg
 *     called straight from its own threads) when this JVM allows it, else through Netty's epoll
 * @param clock time source for rate-limited logging
 * @param tcpIoTimeout once a query's first byte has arrived, the rest must arrive within this; also
 *     the idle timeout while more than half of {@code maxTcpConnections} are open
 * @param tcpLifetime a TCP connection is closed this long after it was accepted, unless a zone
 *     transfer is running on it (then when the transfer ends); zero means no limit
 * @param tcpMaxInFlight replies queued on one TCP connection and not yet written to it; at this
 *     many (or at 64 KiB of them) the connection stops reading queries until they drain
 * @param rrl response rate limiting for UDP ({@link RrlConfig#OFF}: none)
 */
public record ServerOptions(
    int threads,
    int maxPayload,
    Duration tcpIdle,
    int cacheEntries,
    int maxTcpConnections,
    boolean preferEpoll,
    boolean nativeUdp,
    Clock clock,
    Duration tcpIoTimeout,
    Duration tcpLifetime,
    int tcpMaxInFlight,
    RrlConfig rrl) {
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
    if (tcpMaxInFlight < 1) {
      throw new IllegalArgumentException("tcpMaxInFlight must be at least 1");
    }
    positive("tcpIdle", tcpIdle);
    positive("tcpIoTimeout", tcpIoTimeout);
    Objects.requireNonNull(tcpLifetime, "tcpLifetime");
    if (tcpLifetime.isNegative()) {
      throw new IllegalArgumentException("tcpLifetime must not be negative");
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(rrl, "rrl");
  }

  private static void positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }

  /**
   * One thread per available core, 1232-byte payload, 100,000 cached answers; TCP: 1024
   * connections, 10 s idle, 2 s to receive a query, 2 min lifetime, 100 replies in flight per
   * connection; no response rate limiting.
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        Answerer.DEFAULT_PAYLOAD,
        Duration.ofSeconds(10),
        100_000,
        1024,
        true,
        true,
        Clock.systemUTC(),
        Duration.ofSeconds(2),
        Duration.ofMinutes(2),
        100,
        RrlConfig.OFF);
  }

  /** These options with {@code n} threads. */
  public ServerOptions withThreads(int n) {
    return new ServerOptions(
        n,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with TCP idle timeout {@code d}. */
  public ServerOptions withTcpIdle(Duration d) {
    return new ServerOptions(
        threads,
        maxPayload,
        d,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with {@code n} cached responses per snapshot. */
  public ServerOptions withCacheEntries(int n) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        n,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with epoll preferred or not (NIO is the portable fallback). */
  public ServerOptions withEpoll(boolean epoll) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        epoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with UDP served by {@link NativeUdp} when the JVM allows it, or not. */
  public ServerOptions withNativeUdp(boolean on) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        on,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with at most {@code n} open TCP connections. */
  public ServerOptions withMaxTcpConnections(int n) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        n,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with TCP query-receive timeout {@code d}. */
  public ServerOptions withTcpIoTimeout(Duration d) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        d,
        tcpLifetime,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with TCP connection lifetime {@code d} (zero: unlimited). */
  public ServerOptions withTcpLifetime(Duration d) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        d,
        tcpMaxInFlight,
        rrl);
  }

  /** These options with at most {@code n} replies in flight per TCP connection. */
  public ServerOptions withTcpMaxInFlight(int n) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        n,
        rrl);
  }

  /** These options with response rate limiting {@code r}. */
  public ServerOptions withRrl(RrlConfig r) {
    return new ServerOptions(
        threads,
        maxPayload,
        tcpIdle,
        cacheEntries,
        maxTcpConnections,
        preferEpoll,
        nativeUdp,
        clock,
        tcpIoTimeout,
        tcpLifetime,
        tcpMaxInFlight,
        r);
  }
}
