package dnsplane.planner.console;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DnsProber asks one server about one endpoint over UDP, as a client would: A and AAAA (with RD=1
 * and an EDNS OPT to a resolver, so that it can say EDE 3), and {@code _plan.<endpoint>} TXT to
 * authdns. The questions go out together on one socket and the replies are matched by id, so one
 * probe takes one round trip, at most {@code timeout}. Never throws: a failure is an answer with an
 * error.
 */
public final class DnsProber {

  private static final int MAX_REPLY = 4096;

  private final Duration timeout;

  public DnsProber(Duration timeout) {
    this.timeout = timeout;
  }

  public DnsAnswer probe(DnsServer server, String endpoint) {
    String at = Instant.now().toString();
    Name name;
    Name marker;
    try {
      name = Name.fromString(endpoint.endsWith(".") ? endpoint : endpoint + ".");
      marker = Name.concatenate(Name.fromString("_plan"), name);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      return DnsAnswer.failed("not a DNS name: " + endpoint, at);
    }
    boolean resolver = server.kind() == DnsServer.Kind.RESOLVER;
    List<Message> questions =
        resolver
            ? List.of(query(name, Type.A, true), query(name, Type.AAAA, true))
            : List.of(
                query(name, Type.A, false),
                query(name, Type.AAAA, false),
                query(marker, Type.TXT, false));
    Message[] replies = new Message[questions.size()];
    try (DatagramSocket socket = new DatagramSocket()) {
      InetSocketAddress to =
          new InetSocketAddress(
              InetAddress.getByName(server.address().host()), server.address().port());
      for (Message q : questions) {
        byte[] wire = q.toWire();
        socket.send(new DatagramPacket(wire, wire.length, to));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      int pending = questions.size();
      byte[] buf = new byte[MAX_REPLY];
      while (pending > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        Message reply;
        try {
          reply = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        } catch (IOException e) {
          continue; // not DNS: ignore it, as a stub resolver would
        }
        for (int i = 0; i < questions.size(); i++) {
          if (replies[i] == null
              && reply.getHeader().getID() == questions.get(i).getHeader().getID()
              && p.getPort() == to.getPort()) {
            replies[i] = reply;
            pending--;
            break;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return DnsAnswer.failed(server.address() + ": " + e.getMessage(), at);
    }
    if (replies[0] == null && replies[1] == null) {
      return DnsAnswer.failed(
          "no reply from " + server.address() + " within " + timeout.toMillis() + " ms", at);
    }
    return AnswerParser.parse(replies[0], replies[1], resolver ? null : replies[2], at);
  }

  private static Message query(Name name, int type, boolean recursive) {
    Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    if (!recursive) {
      m.getHeader().unsetFlag(Flags.RD);
    }
    m.addRecord(new OPTRecord(1232, 0, 0), org.xbill.DNS.Section.ADDITIONAL);
    return m;
  }
}
