package dnsplane.resolver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.resolver.testing.Harness;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The listening UDP socket, as the kernel lists it. */
class ListenSocketTest {

  @Test
  void anIpv4ListenAddressGetsAnIpv4SocketNotADualStackOne() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "epoll (Linux) only");
    try (Harness h = new Harness(Map.of())) {
      String port = String.format(":%04X ", h.server.dnsAddress().getPort());
      assertEquals(1, udpSockets("/proc/net/udp", port), "one AF_INET socket");
      assertEquals(0, udpSockets("/proc/net/udp6", port), "no dual-stack socket");
    }
  }

  /** Sockets in a /proc/net table whose local address ends in {@code port} (":HHHH "). */
  private static long udpSockets(String table, String port) throws Exception {
    Path path = Path.of(table);
    if (!Files.exists(path)) {
      return 0;
    }
    try (var lines = Files.lines(path)) {
      return lines
          .skip(1)
          .map(l -> l.trim().split("\\s+")[1] + " ")
          .filter(a -> a.endsWith(port))
          .count();
    }
  }
}
