package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.resolver.testing.Harness;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The edge: coalescing, ACL, malformed input, no route. */
class EdgeTest {
  @Test
  void concurrentMissesShareOneUpstreamQuery() throws Exception {
    int n = 8;
    try (Harness h = new Harness(Map.of("upstream-timeout", "10s", "client-timeout", "10s"))) {
      CountDownLatch release = new CountDownLatch(1);
      Record rr = UpstreamMismatchTest.a("popular.aws.test.", "192.0.2.70");
      h.upstream.script(
          q -> {
            try {
              release.await(10, TimeUnit.SECONDS); // hold the answer until every client is waiting
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return List.of(answer(q, rr));
          });
      ExecutorService clients = Executors.newFixedThreadPool(n);
      try {
        List<Future<Message>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          answers.add(clients.submit(() -> h.ask("popular.aws.test.", Type.A)));
        }
        Await.until(
            n - 1 + " queries joining the first",
            Duration.ofSeconds(5),
            () -> h.server.metrics().coalesced.sum() == n - 1);
        release.countDown();
        for (Future<Message> f : answers) {
          assertEquals(
              "192.0.2.70",
              f.get(5, TimeUnit.SECONDS).getSection(Section.ANSWER).get(0).rdataToString());
        }
      } finally {
        clients.shutdownNow();
      }
      assertEquals(1, h.upstream.queries());
      assertEquals(n - 1, h.server.metrics().coalesced.sum());
    }
  }

  @Test
  void clientsOutsideTheAclAreRefused() throws Exception {
    try (Harness h = new Harness(Map.of("allow", "127.0.0.1/32"))) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("x.aws.test.", "192.0.2.80"))));
      Message refused =
          h.udp(Harness.query("x.aws.test.", Type.A).toWire(), InetAddress.getByName("127.0.0.2"));
      assertNotNull(refused);
      assertEquals(Rcode.REFUSED, refused.getRcode());
      assertEquals(0, h.upstream.queries(), "a refused client never causes an upstream query");
      assertEquals(
          Rcode.NOERROR,
          h.udp(Harness.query("x.aws.test.", Type.A).toWire(), InetAddress.getByName("127.0.0.1"))
              .getRcode());
      assertEquals(1, h.server.metrics().refused.sum());
    }
  }

  @Test
  void malformedQueriesGetFormerrOrSilenceAndTheServerKeepsAnswering() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("ok.aws.test.", "192.0.2.90"))));
      byte[] good = Harness.query("ok.aws.test.", Type.A).toWire();
      // cut short inside the question: the header survives, so FORMERR with the same ID
      byte[] cut = java.util.Arrays.copyOf(good, 20);
      Message formerr = h.udp(cut, null);
      assertNotNull(formerr);
      assertEquals(Rcode.FORMERR, formerr.getRcode());
      assertEquals(((cut[0] & 0xff) << 8) | (cut[1] & 0xff), formerr.getHeader().getID());
      // shorter than a header: dropped
      assertEquals(null, h.udp(new byte[] {1, 2, 3}, null));
      Random rnd = new Random(42);
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[3 + rnd.nextInt(300)];
        rnd.nextBytes(junk);
        junk[2] &= 0x7f; // QR clear, or it is silently dropped as a response
        sendOnly(h, junk);
      }
      // garbage over TCP too
      h.tcp(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9});
      assertEquals(Rcode.NOERROR, h.udp(good, null).getRcode());
      assertEquals(Rcode.NOERROR, h.tcp(good).getRcode());
      assertTrue(h.server.metrics().formerr.sum() >= 1);
    }
  }

  private static void sendOnly(Harness h, byte[] b) throws Exception {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
      s.send(new java.net.DatagramPacket(b, b.length, h.server.dnsAddress()));
    }
  }

  @Test
  void namesWithNoRouteAreRefusedOrServfailAsConfigured() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      assertEquals(Rcode.REFUSED, h.ask("www.example.org.", Type.A).getRcode());
    }
    try (Harness h = new Harness(Map.of("no-route", "servfail"))) {
      assertEquals(Rcode.SERVFAIL, h.ask("www.example.org.", Type.A).getRcode());
      assertEquals(0, h.upstream.queries());
    }
  }
}
