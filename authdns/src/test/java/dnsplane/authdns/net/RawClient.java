package dnsplane.authdns.net;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** RawClient sends bytes over real UDP/TCP sockets to the server under test, with deadlines. */
final class RawClient {
  private static final int TIMEOUT_MS = 3000;

  private RawClient() {}

  /** Sends one datagram and returns the reply, or null when none came within the timeout. */
  static byte[] udp(InetSocketAddress server, byte[] query, int timeoutMs) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(timeoutMs);
      s.send(new DatagramPacket(query, query.length, server));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return Arrays.copyOf(buf, p.getLength());
    }
  }

  static byte[] udp(InetSocketAddress server, byte[] query) throws IOException {
    return udp(server, query, TIMEOUT_MS);
  }

  /** Sends one length-framed query on a fresh connection and returns the framed reply's body. */
  static byte[] tcp(InetSocketAddress server, byte[] query) throws IOException {
    try (Socket s = connect(server)) {
      writeFrame(s.getOutputStream(), query);
      return readFrame(s);
    }
  }

  static Socket connect(InetSocketAddress server) throws IOException {
    Socket s = new Socket();
    s.connect(server, TIMEOUT_MS);
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  static void writeFrame(OutputStream out, byte[] body) throws IOException {
    out.write(frame(body));
    out.flush();
  }

  static byte[] frame(byte[] body) {
    byte[] f = new byte[body.length + 2];
    f[0] = (byte) (body.length >>> 8);
    f[1] = (byte) body.length;
    System.arraycopy(body, 0, f, 2, body.length);
    return f;
  }

  static byte[] readFrame(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int len = in.readUnsignedShort();
    byte[] body = new byte[len];
    in.readFully(body);
    return body;
  }
}
