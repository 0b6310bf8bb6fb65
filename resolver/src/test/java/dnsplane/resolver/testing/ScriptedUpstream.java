package dnsplane.resolver.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * ScriptedUpstream is a tiny UDP+TCP DNS server on 127.0.0.1 whose every reply the test decides: a
 * script maps each query to the packets to send back (none = time out, several = e.g. a spoofed
 * reply before the real one).
 */
public final class ScriptedUpstream implements AutoCloseable {
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final AtomicInteger queries = new AtomicInteger();
  private final List<int[]> idsAndPorts = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Function<Message, List<Message>> script = q -> List.of();
  private final List<Thread> threads = new ArrayList<>();

  public ScriptedUpstream() throws IOException {
    // the kernel picks the UDP port; TCP may find it taken, so try a few
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 1; t == null; attempt++) {
      u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        t = new ServerSocket(u.getLocalPort(), 16, InetAddress.getLoopbackAddress());
      } catch (java.net.BindException e) {
        u.close();
        if (attempt >= 10) {
          throw e;
        }
      }
    }
    udp = u;
    tcp = t;
    threads.add(start("upstream-udp", this::serveUdp));
    threads.add(start("upstream-tcp", this::serveTcp));
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  public int port() {
    return udp.getLocalPort();
  }

  /** Queries received so far (UDP and TCP). */
  public int queries() {
    return queries.get();
  }

  /** The query ID and source port of every UDP query received, in order. */
  public List<int[]> idsAndPorts() {
    synchronized (idsAndPorts) {
      return List.copyOf(idsAndPorts);
    }
  }

  public void script(Function<Message, List<Message>> s) {
    this.script = s;
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        idsAndPorts.add(new int[] {q.getHeader().getID(), p.getPort()});
        queries.incrementAndGet();
        for (Message m : script.apply(q)) {
          byte[] out = m.toWire();
          udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        }
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // a query we cannot parse: no answer, like a real server would do
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        queries.incrementAndGet();
        OutputStream os = s.getOutputStream();
        for (Message m : script.apply(new Message(b))) {
          byte[] out = m.toWire();
          os.write(new byte[] {(byte) (out.length >>> 8), (byte) out.length});
          os.write(out);
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
  public void close() throws IOException {
    udp.close();
    tcp.close();
  }

  // ---- answer builders ----

  /** An authoritative reply to {@code q} with {@code rcode} and the given records. */
  public static Message reply(Message q, int rcode, List<Record> answer, List<Record> authority) {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.getHeader().setRcode(rcode);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    answer.forEach(r -> m.addRecord(r, Section.ANSWER));
    authority.forEach(r -> m.addRecord(r, Section.AUTHORITY));
    return m;
  }

  public static Message answer(Message q, Record... records) {
    return reply(q, Rcode.NOERROR, List.of(records), List.of());
  }

  public static Message nodata(Message q, SOARecord soa) {
    return reply(q, Rcode.NOERROR, List.of(), List.of(soa));
  }

  public static Message nxdomain(Message q, SOARecord soa) {
    return reply(q, Rcode.NXDOMAIN, List.of(), List.of(soa));
  }

  /** The zone's SOA with the given TTL and MINIMUM. */
  public static SOARecord soa(String zone, long ttl, long minimum) {
    Name z = Name.fromConstantString(zone);
    return new SOARecord(
        z,
        org.xbill.DNS.DClass.IN,
        ttl,
        Name.fromConstantString("ns1." + zone),
        Name.fromConstantString("hostmaster." + zone),
        1,
        3600,
        600,
        86400,
        minimum);
  }
}
