package dnsplane.resolver.testing;

import dnsplane.db.testing.MutableClock;
import dnsplane.resolver.ResolverServer;
import dnsplane.resolver.config.ResolverConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Harness runs a real resolver on 127.0.0.1 (ports 0) in front of a {@link ScriptedUpstream}, with
 * a clock and scheduler the test controls, and offers a small DNS client over real sockets.
 */
public final class Harness implements AutoCloseable {
  public final ScriptedUpstream upstream;
  public final MutableClock clock = new MutableClock();
  public final ManualScheduler scheduler = new ManualScheduler();
  public final ResolverServer server;

  public Harness(Map<String, Object> overrides) throws Exception {
    upstream = new ScriptedUpstream();
    Map<String, Object> cfg = new HashMap<>();
    cfg.put("listen", "127.0.0.1:0");
    cfg.put("http", "127.0.0.1:0");
    cfg.put(
        "stub-zones",
        "aws.test.=127.0.0.1:" + upstream.port() + ";example.test.=127.0.0.1:" + upstream.port());
    cfg.put(
        "upstream-timeout",
        "1s"); // generous: a loaded CI machine must not turn answers into timeouts
    cfg.put("upstream-attempts", "1");
    cfg.put("client-timeout", "2s");
    cfg.putAll(overrides);
    server = new ResolverServer(ResolverConfig.from(cfg), clock, scheduler).start();
  }

  /** A query for {@code name}/{@code type} with EDNS (payload 1232) and RD. */
  public static Message query(String name, int type) {
    Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return q;
  }

  public Message ask(String name, int type) throws IOException {
    return udp(query(name, type).toWire(), null);
  }

  /**
   * Sends {@code wire} over UDP (from {@code source} if given) and returns the reply, or null after
   * 3 s.
   */
  public Message udp(byte[] wire, InetAddress source) throws IOException {
    return udp(server.dnsAddress(), wire, source);
  }

  /** Sends {@code wire} over UDP to {@code to} and returns the reply, or null after 3 s. */
  public static Message udp(InetSocketAddress to, byte[] wire, InetAddress source)
      throws IOException {
    return udp(to, wire, source, 3000);
  }

  /** Sends {@code wire} over UDP and returns the reply, or null after {@code timeoutMillis}. */
  public static Message udp(
      InetSocketAddress to, byte[] wire, InetAddress source, int timeoutMillis) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(source, 0))) {
      s.setSoTimeout(timeoutMillis);
      s.send(new DatagramPacket(wire, wire.length, to));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
      return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
    }
  }

  public Message tcp(byte[] wire) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server.dnsAddress(), 3000);
      s.setSoTimeout(3000);
      OutputStream os = s.getOutputStream();
      os.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
      os.write(wire);
      os.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] b = new byte[in.readUnsignedShort()];
      in.readFully(b);
      return new Message(b);
    }
  }

  /** The EDE option of {@code m}, or null. */
  public static ExtendedErrorCodeOption ede(Message m) {
    OPTRecord opt = m.getOPT();
    if (opt == null) {
      return null;
    }
    return opt.getOptions().stream()
        .filter(o -> o instanceof ExtendedErrorCodeOption)
        .map(o -> (ExtendedErrorCodeOption) o)
        .findFirst()
        .orElse(null);
  }

  public static boolean aa(Message m) {
    return m.getHeader().getFlag(Flags.AA);
  }

  /** A call as our scripts make it: mutating ones say {@code Content-Type: application/json}. */
  public HttpResponse<String> http(String method, String path)
      throws IOException, InterruptedException {
    return http(
        method, path, method.equals("GET") ? Map.of() : Map.of("Content-Type", "application/json"));
  }

  /** A body-less call with exactly these headers. */
  public HttpResponse<String> http(String method, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5));
    headers.forEach(req::header);
    return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    server.close();
    upstream.close();
  }
}
