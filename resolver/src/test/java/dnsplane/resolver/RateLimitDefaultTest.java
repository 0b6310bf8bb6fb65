package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.db.testing.Await;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.testing.Harness;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The default rate limit, untouched by the test: a flood from one address is cut, other clients
 * never notice.
 */
class RateLimitDefaultTest {
  @Test
  void theDefaultCutsAFloodToItsBurstAndLeavesOtherClientsAlone() throws Exception {
    int limit = ResolverConfig.defaultConfig().rateLimit();
    assertEquals(5000, limit, "the documented default (resolver/README.md)");
    try (Harness h = new Harness(Map.of());
        DatagramSocket flood = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("r.aws.test.", "192.0.2.150"))));
      byte[] q = Harness.query("r.aws.test.", Type.A).toWire();
      assertNotNull(h.udp(q, InetAddress.getByName("127.0.0.1")));
      Metrics m = h.server.metrics();

      // the test's clock stands still, so no tokens come back during the flood: exactly the burst
      // gets through
      int sent = 1;
      int total = limit + 1000;
      while (sent < total) {
        int batch =
            Math.min(250, total - sent); // small batches: the kernel must not drop what we count
        for (int i = 0; i < batch; i++) {
          flood.send(new DatagramPacket(q, q.length, h.server.dnsAddress()));
        }
        sent += batch;
        int expect = sent;
        Await.until(
            expect + " queries received", Duration.ofSeconds(10), () -> m.queries.sum() == expect);
      }
      assertEquals(total - limit, m.rateLimited.sum(), "dropped beyond the burst, each counted");
      assertNull(
          Harness.udp(h.server.dnsAddress(), q, InetAddress.getByName("127.0.0.1"), 300),
          "the flooding address gets silence, not REFUSED: nothing to reflect");

      for (int i = 0; i < 100; i++) {
        assertEquals(
            Rcode.NOERROR,
            h.udp(q, InetAddress.getByName("127.0.0.2")).getRcode(),
            "another client");
      }
      long limitedBefore = m.rateLimited.sum();
      h.clock.advance(Duration.ofSeconds(1));
      assertEquals(
          Rcode.NOERROR, h.udp(q, InetAddress.getByName("127.0.0.1")).getRcode(), "tokens refill");
      assertEquals(limitedBefore, m.rateLimited.sum());
    }
  }

  @Test
  void overTcpTooExcessIsDroppedAndTheConnectionStaysUsable() throws Exception {
    try (Harness h = new Harness(Map.of("rate-limit", "2"))) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("t.aws.test.", "192.0.2.151"))));
      byte[] q = Harness.query("t.aws.test.", Type.A).toWire();
      assertEquals(Rcode.NOERROR, h.tcp(q).getRcode());
      assertEquals(Rcode.NOERROR, h.tcp(q).getRcode());
      assertEquals(
          1, answersAfterADrop(h, q), "the query over the limit got no answer, the next one did");
      assertEquals(1, h.server.metrics().rateLimited.sum());
    }
  }

  /**
   * Sends {@code q} (over the limit), then again after a refill, on one connection; returns the
   * answers seen.
   */
  private static int answersAfterADrop(Harness h, byte[] q) throws Exception {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(h.server.dnsAddress(), 3000);
      s.setSoTimeout(3000);
      java.io.OutputStream os = s.getOutputStream();
      byte[] framed = new byte[q.length + 2];
      framed[0] = (byte) (q.length >>> 8);
      framed[1] = (byte) q.length;
      System.arraycopy(q, 0, framed, 2, q.length);
      os.write(framed); // dropped: the bucket is empty
      Await.until(
          "the dropped query counted",
          Duration.ofSeconds(5),
          () -> h.server.metrics().rateLimited.sum() == 1);
      h.clock.advance(Duration.ofSeconds(1));
      os.write(framed); // answered on the same connection
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      byte[] b = new byte[in.readUnsignedShort()];
      in.readFully(b);
      assertEquals(Rcode.NOERROR, new org.xbill.DNS.Message(b).getRcode());
      s.setSoTimeout(300);
      try {
        in.readUnsignedShort();
        return 2;
      } catch (java.net.SocketTimeoutException e) {
        return 1;
      }
    }
  }
}
