package dnsplane.authdns.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * TcpLimits are what one TCP connection may hold: time (idle, per-query receive, lifetime) and
 * replies queued; and the server-wide connection count, which shortens the idle timeout when more
 * than half the slots are taken (NSD halves its TCP timeout under load for the same reason: idle
 * clients must not keep out busy ones).
 */
record TcpLimits(
    long idleNanos,
    long ioNanos,
    long lifetimeNanos,
    int maxInFlight,
    AtomicInteger connections,
    int maxConnections,
    QueryMetrics metrics) {

  static TcpLimits of(ServerOptions o, AtomicInteger connections, QueryMetrics metrics) {
    return new TcpLimits(
        o.tcpIdle().toNanos(),
        o.tcpIoTimeout().toNanos(),
        o.tcpLifetime().toNanos(),
        o.tcpMaxInFlight(),
        connections,
        o.maxTcpConnections(),
        metrics);
  }

  /** The defaults, for a handler used outside a server (tests). */
  static TcpLimits defaults() {
    return of(ServerOptions.defaults(), new AtomicInteger(), new QueryMetrics());
  }

  /**
   * The idle timeout now: the I/O timeout, when it is shorter, while over half the slots are used.
   */
  long currentIdleNanos() {
    return connections.get() * 2 > maxConnections ? Math.min(idleNanos, ioNanos) : idleNanos;
  }
}
