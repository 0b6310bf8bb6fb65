package dnsplane.authdns.net;

import dnsplane.authdns.zone.SnapshotHolder;
import java.net.InetSocketAddress;

/**
 * AuthDnsServer is the authoritative DNS edge: Netty UDP and TCP listeners on one address answering
 * from the {@link SnapshotHolder}'s current zones. (Skeleton: the implementation follows.)
 */
public final class AuthDnsServer implements AutoCloseable {
  private final InetSocketAddress address;

  private AuthDnsServer(InetSocketAddress address) {
    this.address = address;
  }

  /** Starts listening on {@code listen} (port 0 picks one free port for both UDP and TCP). */
  public static AuthDnsServer start(
      InetSocketAddress listen, SnapshotHolder holder, QueryMetrics metrics) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The bound address (UDP and TCP share it). */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops both listeners. */
  @Override
  public void close() {}
}
