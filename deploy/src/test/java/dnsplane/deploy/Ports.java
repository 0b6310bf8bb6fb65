package dnsplane.deploy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Random;

/** Free loopback ports for the stacks the end-to-end tests start beside a developer's own. */
final class Ports {
  private Ports() {}

  /** An offset in 20000..39999 at which every base port is free on loopback, UDP and TCP. */
  static int freeOffset(List<Integer> basePorts) {
    Random r = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      // Every port stays below 32768, where Linux's ephemeral range starts: a port chosen inside it
      // can be taken by any outgoing connection between this check and the stack binding it.
      int off = 10000 + r.nextInt(14000);
      if (basePorts.stream().allMatch(p -> free(p + off))) {
        return off;
      }
    }
    throw new IllegalStateException("no free port range found for the test stack");
  }

  /** A TCP port the kernel hands out on loopback now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Whether nothing holds {@code port} on loopback, over UDP or TCP. */
  static boolean free(int port) {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (ServerSocket tcp = new ServerSocket();
        DatagramSocket udp = new DatagramSocket(null)) {
      tcp.bind(new InetSocketAddress(lo, port));
      udp.bind(new InetSocketAddress(lo, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
