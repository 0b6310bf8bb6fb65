package dnsplane.resolver.fuzz;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * FuzzUpstream is a loopback UDP+TCP "authoritative server" whose replies are whatever the current
 * fuzz input says: the script gets the raw query bytes (and whether it came over TCP) and returns
 * the raw datagrams or TCP messages to send back, unchecked, so the resolver's own upstream client
 * receives exactly the bytes a hostile or broken server could send.
 */
final class FuzzUpstream implements AutoCloseable {
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private volatile BiFunction<byte[], Boolean, List<byte[]>> script = (q, t) -> List.of();
  private volatile RuntimeException failure;

  FuzzUpstream() throws IOException {
    DatagramSocket u = null;
    ServerSocket t = null;
    // The kernel picks the UDP port; TCP wants the same one, which may be taken: try a few.
    for (int attempt = 1; t == null; attempt++) {
      u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        t = new ServerSocket(u.getLocalPort(), 64, InetAddress.getLoopbackAddress());
      } catch (java.net.BindException e) {
        u.close();
        if (attempt >= 20) {
          throw e;
        }
      }
    }
    udp = u;
    tcp = t;
    daemon("fuzz-upstream-udp", this::serveUdp);
    daemon("fuzz-upstream-tcp", this::serveTcp);
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return udp.getLocalPort();
  }

  void script(BiFunction<byte[], Boolean, List<byte[]>> s) {
    failure = null;
    script = s;
  }

  /** Throws what the script threw since it was set: a broken harness must not pass as a timeout. */
  void rethrow() {
    RuntimeException e = failure;
    if (e != null) {
      throw new IllegalStateException("the fuzz upstream's script failed", e);
    }
  }

  private List<byte[]> run(byte[] q, boolean tcp) {
    try {
      return script.apply(q, tcp);
    } catch (RuntimeException e) {
      failure = e;
      return List.of();
    }
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] q = Arrays.copyOf(buf, p.getLength());
        for (byte[] out : run(q, false)) {
          int n = Math.min(out.length, 65507);
          udp.send(new DatagramPacket(out, n, p.getSocketAddress()));
        }
      } catch (IOException e) {
        if (udp.isClosed()) {
          return;
        }
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        s.setSoTimeout(2000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] q = new byte[in.readUnsignedShort()];
        in.readFully(q);
        OutputStream os = s.getOutputStream();
        for (byte[] out : run(q, true)) {
          int n = Math.min(out.length, 65535);
          os.write(new byte[] {(byte) (n >>> 8), (byte) n});
          os.write(out, 0, n);
        }
        os.flush();
      } catch (IOException e) {
        if (tcp.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
