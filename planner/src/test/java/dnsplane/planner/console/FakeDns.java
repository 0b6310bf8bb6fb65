package dnsplane.planner.console;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * FakeDns is a real UDP DNS responder on 127.0.0.1 for tests: A of any name gets the configured
 * addresses (none when {@link #empty}), AAAA none, TXT {@code _plan.*} the configured generation;
 * with {@link #stale} every reply carries EDE 3.
 */
final class FakeDns implements AutoCloseable {

  volatile boolean empty;
  volatile boolean stale;
  volatile long generation = 1;
  final AtomicInteger queries = new AtomicInteger();

  /** Every name asked about, lower case, as sent. */
  final Set<String> names = ConcurrentHashMap.newKeySet();

  private final DatagramSocket socket;
  private final Thread thread;

  FakeDns() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = new Thread(this::serve, "fake-dns-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        queries.incrementAndGet();
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        names.add(q.getQuestion().getName().toString().toLowerCase(Locale.ROOT));
        byte[] out = answer(q).toWire(1232);
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException | RuntimeException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  private Message answer(Message q) throws IOException {
    Record question = q.getQuestion();
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setRcode(Rcode.NOERROR);
    r.addRecord(question, Section.QUESTION);
    if (question.getType() == Type.A && !empty) {
      for (String a : List.of("192.0.2.10", "192.0.2.11")) {
        r.addRecord(
            new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName(a)),
            Section.ANSWER);
      }
    } else if (question.getType() == Type.TXT) {
      r.addRecord(
          new TXTRecord(question.getName(), DClass.IN, 60, Long.toString(generation)),
          Section.ANSWER);
    }
    if (stale) {
      r.addRecord(
          new OPTRecord(1232, 0, 0, 0, List.of(new ExtendedErrorCodeOption(3, "test"))),
          Section.ADDITIONAL);
    }
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
