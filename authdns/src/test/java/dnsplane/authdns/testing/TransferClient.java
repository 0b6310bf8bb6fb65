package dnsplane.authdns.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * TransferClient sends one raw request, as given (signed or not, well formed or not), and reads the
 * raw answers: over TCP every message of a transfer, over UDP the one reply. Tests that compare
 * authdns's bytes with NSD's use it where dnsjava's own client would verify or reject.
 */
public final class TransferClient {
  private TransferClient() {}

  /** The messages answering {@code wire} over TCP, up to the closing SOA or an error rcode. */
  public static List<byte[]> tcp(InetSocketAddress to, byte[] wire, InetSocketAddress from)
      throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Socket s = new Socket()) {
      if (from != null) {
        s.bind(from);
      }
      s.connect(to, 3000);
      s.setSoTimeout(10_000);
      DataOutputStream o = new DataOutputStream(s.getOutputStream());
      o.writeShort(wire.length);
      o.write(wire);
      o.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      End end = new End();
      while (true) {
        byte[] b;
        try {
          b = new byte[in.readUnsignedShort()];
        } catch (EOFException e) {
          return out;
        }
        in.readFully(b);
        out.add(b);
        Message m = new Message(b);
        List<Record> answers = m.getSection(Section.ANSWER);
        if (m.getRcode() != Rcode.NOERROR || end.reached(answers, out.size() == 1)) {
          return out;
        }
      }
    }
  }

  /**
   * Where a transfer ends (RFC 5936, RFC 1995): the first SOA carries the serial S sent. A lone SOA
   * in a one-record first message is an up-to-date IXFR answer; a second record that is an SOA of
   * another serial starts an incremental answer, which ends at the third SOA with serial S (after
   * the last difference's "new SOA"); otherwise (the AXFR form) at the second.
   */
  private static final class End {
    private long serial = -1;
    private int seen;
    private int records;
    private boolean incremental;

    boolean reached(List<Record> answers, boolean firstMessage) {
      if (firstMessage && answers.size() == 1 && answers.get(0) instanceof SOARecord) {
        return true;
      }
      for (Record r : answers) {
        records++;
        if (!(r instanceof SOARecord soa)) {
          continue;
        }
        if (records == 1) {
          serial = soa.getSerial();
        } else if (records == 2 && soa.getSerial() != serial) {
          incremental = true;
        }
        if (soa.getSerial() == serial) {
          seen++;
        }
      }
      return seen >= (incremental ? 3 : 2);
    }
  }

  public static Message udp(InetSocketAddress to, byte[] wire) throws IOException {
    return new Message(udpBytes(to, wire));
  }

  public static byte[] udpBytes(InetSocketAddress to, byte[] wire) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(3000);
      s.send(new DatagramPacket(wire, wire.length, to));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      byte[] got = Arrays.copyOf(buf, p.getLength());
      assertEquals(
          ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF), new Message(got).getHeader().getID());
      return got;
    }
  }
}
