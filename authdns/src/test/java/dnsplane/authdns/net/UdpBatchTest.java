package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFileChanges;
import dnsplane.authdns.zone.ZoneSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Bursts of queries over a real UDP socket, which the server reads many to a system call and
 * answers a batch at a time, reading ahead for the batch ({@link NativeUdp}, and {@link UdpHandler}
 * where it cannot run): each query gets its own answer, with its own ID and spelling, whatever
 * shares its batch.
 */
class UdpBatchTest {
  private static final int NAMES = 5000;

  @ParameterizedTest(name = "native UDP threads: {0}")
  @ValueSource(booleans = {true, false})
  void everyQueryOfABurstGetsItsOwnAnswer(boolean nativeUdp) throws Exception {
    Name origin = Name.fromString("burst.test.");
    StringBuilder zone = new StringBuilder("$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 60\n");
    zone.append("@ NS ns1\nns1 A 192.0.2.250\nalias CNAME h1\n");
    for (int i = 0; i < NAMES; i++) {
      zone.append("h").append(i).append(" A 198.51.100.").append(i % 250).append('\n');
    }
    ZoneSet zones = ZoneSet.empty().apply(ZoneFileChanges.changes(zone.toString(), origin));
    try (AuthDnsServer server =
            AuthDnsServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new SnapshotHolder(zones),
                new QueryMetrics(),
                ServerOptions.defaults().withThreads(1).withNativeUdp(nativeUdp));
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      assertEquals(nativeUdp, server.servesUdpNatively());
      client.setReceiveBufferSize(8 << 20);
      client.setSoTimeout(5000);
      Random r = new Random(11);
      for (int burst = 0; burst < 4; burst++) {
        // Names that exist (in mixed case), one absent, one alias: the direct path, the general
        // path and the answer cache within one batch.
        Map<Integer, String> asked = new HashMap<>();
        for (int id = 0; id < 1000; id++) {
          int kind = r.nextInt(20);
          String name =
              kind == 0
                  ? "absent" + r.nextInt(1000) + ".burst.test."
                  : kind == 1
                      ? "Alias.burst.test."
                      : mixedCase(r, "h" + r.nextInt(NAMES)) + ".burst.test.";
          asked.put(id, name);
          Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
          q.getHeader().setID(id);
          byte[] wire = q.toWire();
          client.send(new DatagramPacket(wire, wire.length, server.address()));
        }
        byte[] buf = new byte[65535];
        while (!asked.isEmpty()) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          client.receive(p); // a lost reply fails the test by timing out here
          Message reply = new Message(Arrays.copyOf(buf, p.getLength()));
          String name = asked.remove(reply.getHeader().getID());
          assertTrue(name != null, "a reply to no query, or a second one: " + reply);
          assertEquals(name, reply.getQuestion().getName().toString(), "the question as asked");
          check(name.toLowerCase(java.util.Locale.ROOT), reply);
        }
      }
    }
  }

  private static void check(String name, Message reply) {
    if (name.startsWith("absent")) {
      assertEquals(Rcode.NXDOMAIN, reply.getRcode(), name);
      return;
    }
    assertEquals(Rcode.NOERROR, reply.getRcode(), name);
    String owner = name.startsWith("alias") ? "h1" : name.substring(0, name.indexOf('.'));
    int i = Integer.parseInt(owner.substring(1));
    ARecord a =
        reply.getSection(Section.ANSWER).stream()
            .filter(x -> x instanceof ARecord)
            .map(x -> (ARecord) x)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no address for " + name + ": " + reply));
    assertEquals("198.51.100." + (i % 250), a.getAddress().getHostAddress(), name);
  }

  private static String mixedCase(Random r, String s) {
    StringBuilder b = new StringBuilder(s);
    if (r.nextBoolean()) {
      b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
    }
    return b.toString();
  }
}
