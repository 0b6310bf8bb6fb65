package dnsplane.resolver.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.metrics.Metrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The asynchronous upstream client against a fake upstream on loopback that the test drives reply
 * by reply: matching, forged, late and truncated replies, retries, and coalescing.
 */
class UpstreamClientTest {
  private static final Name ZONE = Name.fromConstantString("aws.test.");
  private final Metrics metrics = new Metrics();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private FakeUpstream fake() throws Exception {
    FakeUpstream f = new FakeUpstream();
    open.add(f);
    return f;
  }

  private UpstreamClient client(Duration timeout, int attempts) {
    UpstreamClient c = new UpstreamClient(metrics, timeout, attempts, Duration.ofMillis(10));
    open.add(c);
    return c;
  }

  private static Router.Route route(FakeUpstream... servers) {
    List<InetSocketAddress> s = new ArrayList<>();
    for (FakeUpstream f : servers) {
      s.add(f.address());
    }
    return new Router.Route(ZONE, s);
  }

  private static Message answer(Message q, String ip) throws Exception {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    m.addRecord(
        new ARecord(q.getQuestion().getName(), DClass.IN, 60, java.net.InetAddress.getByName(ip)),
        Section.ANSWER);
    return m;
  }

  private static String ip(Message m) {
    return m.getSection(Section.ANSWER).get(0).rdataToString();
  }

  private static Message get(CompletableFuture<Message> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  /** Waits for {@code c} with a deadline: for effects of packets that have no other signal. */
  private static void await(BooleanSupplier c, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void aMatchingReplyIsTheAnswer() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofSeconds(2), 1);
    CompletableFuture<Message> f = c.query(Name.fromString("a.aws.test."), Type.A, route(up));
    FakeUpstream.Query q = up.next();
    assertTrue(q.message().getHeader().getFlag(Flags.RD));
    assertEquals(Name.fromString("a.aws.test."), q.message().getQuestion().getName());
    up.reply(q, answer(q.message(), "192.0.2.1"));
    assertEquals("192.0.2.1", ip(get(f)));
    assertEquals(1, metrics.upstreamQueries.sum());
    assertEquals(0, metrics.upstreamMismatched.sum());
  }

  @Test
  void aLateReplyIsDroppedAndTheRetryAnswers() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofMillis(200), 2);
    CompletableFuture<Message> f = c.query(Name.fromString("late.aws.test."), Type.A, route(up));
    FakeUpstream.Query first = up.next();
    FakeUpstream.Query retry = up.next(); // arrives only once the first attempt timed out
    assertNotEquals(first.message().getHeader().getID(), retry.message().getHeader().getID());
    up.reply(first, answer(first.message(), "203.0.113.1"));
    await(() -> metrics.upstreamMismatched.sum() == 1, "the late reply counted");
    assertFalse(f.isDone(), "the late reply answered nothing");
    up.reply(retry, answer(retry.message(), "192.0.2.2"));
    assertEquals("192.0.2.2", ip(get(f)));
    assertEquals(2, metrics.upstreamQueries.sum());
    assertEquals(0, metrics.upstreamFailures.sum());
  }

  @Test
  void retriesGoToTheNextServerAndFailureIsCounted() throws Exception {
    FakeUpstream a = fake();
    FakeUpstream b = fake();
    UpstreamClient c = client(Duration.ofMillis(100), 3);
    CompletableFuture<Message> f = c.query(Name.fromString("x.aws.test."), Type.A, route(a, b));
    a.next();
    b.next();
    a.next();
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof UpstreamClient.UpstreamException, e.toString());
    assertTrue(e.getCause().getMessage().contains("timeout"), e.getCause().getMessage());
    assertEquals(1, metrics.upstreamFailures.sum());
    assertEquals(3, metrics.upstreamQueries.sum());
  }

  @Test
  void forgedRepliesAreIgnoredAndTheRealOneTaken() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofSeconds(3), 1);
    CompletableFuture<Message> f = c.query(Name.fromString("id.aws.test."), Type.A, route(up));
    FakeUpstream.Query q = up.next();
    Message wrongId = answer(q.message(), "203.0.113.66");
    wrongId.getHeader().setID((q.message().getHeader().getID() + 1) & 0xffff);
    up.reply(q, wrongId);
    up.replyFromOtherPort(q, answer(q.message(), "203.0.113.67"));
    Message other =
        Message.newQuery(Record.newRecord(Name.fromString("evil.aws.test."), Type.A, DClass.IN));
    other.getHeader().setID(q.message().getHeader().getID());
    up.reply(q, answer(other, "203.0.113.68"));
    Message aaaa =
        Message.newQuery(Record.newRecord(Name.fromString("id.aws.test."), Type.AAAA, DClass.IN));
    aaaa.getHeader().setID(q.message().getHeader().getID());
    Message wrongType = ScriptedReply.nodata(aaaa);
    up.reply(q, wrongType);
    byte[] garbage = {1, 2, 3};
    up.reply(q, ScriptedReply.raw(garbage));
    await(() -> metrics.upstreamMismatched.sum() == 5, "five forgeries counted");
    assertFalse(f.isDone(), "no forgery answered");
    up.reply(q, answer(q.message(), "192.0.2.100"));
    assertEquals("192.0.2.100", ip(get(f)));
    assertEquals(5, metrics.upstreamMismatched.sum());
  }

  @Test
  void aTruncatedReplyIsAskedAgainOverTcp() throws Exception {
    FakeUpstream up = fake();
    up.tcpAnswer =
        q -> {
          try {
            return answer(q, "192.0.2.44");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    UpstreamClient c = client(Duration.ofSeconds(2), 1);
    CompletableFuture<Message> f = c.query(Name.fromString("big.aws.test."), Type.A, route(up));
    FakeUpstream.Query q = up.next();
    Message tc = new Message(q.message().getHeader().getID());
    tc.getHeader().setFlag(Flags.QR);
    tc.getHeader().setFlag(Flags.TC);
    tc.addRecord(q.message().getQuestion(), Section.QUESTION);
    up.reply(q, tc);
    assertEquals("192.0.2.44", ip(get(f)));
    assertEquals(1, up.tcpQueries());
  }

  @Test
  void aTcpReplyForAnotherQuestionFailsTheAttempt() throws Exception {
    FakeUpstream up = fake();
    up.tcpAnswer =
        q -> {
          Message m = ScriptedReply.nodata(q);
          m.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
          return m;
        };
    UpstreamClient c = client(Duration.ofSeconds(2), 1);
    CompletableFuture<Message> f = c.query(Name.fromString("tc.aws.test."), Type.A, route(up));
    FakeUpstream.Query q = up.next();
    Message tc = ScriptedReply.nodata(q.message());
    tc.getHeader().setFlag(Flags.TC);
    up.reply(q, tc);
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("TCP reply discarded"), e.toString());
    assertEquals(1, metrics.upstreamMismatched.sum());
  }

  @Test
  void queriesSpreadOverSocketsWithRandomIds() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofSeconds(2), 1);
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      fs.add(c.query(Name.fromString("n" + i + ".aws.test."), Type.A, route(up)));
    }
    Set<Object> ports = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      FakeUpstream.Query q = up.next();
      ports.add(q.from());
      ids.add(q.message().getHeader().getID());
      up.reply(q, answer(q.message(), "192.0.2.9"));
    }
    for (CompletableFuture<Message> f : fs) {
      assertEquals(Rcode.NOERROR, get(f).getRcode());
    }
    // 40 picks from 8 sockets all landing on one (1 in 8^39), or 40 random IDs colliding down to
    // under 30 distinct, would each be a broken generator
    assertTrue(ports.size() > 1, "source ports " + ports);
    assertTrue(ids.size() > 30, "IDs " + ids);
  }

  /** Many questions at once are all in flight at once: nothing waits on a thread per question. */
  @Test
  void hundredsOfSlowQuestionsAreAllInFlightTogether() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofSeconds(5), 1);
    int n = 300;
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(c.query(Name.fromString("s" + i + ".aws.test."), Type.A, route(up)));
    }
    List<FakeUpstream.Query> qs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      qs.add(up.next()); // all sent before any is answered
    }
    for (FakeUpstream.Query q : qs) {
      up.reply(q, answer(q.message(), "192.0.2.10"));
    }
    for (CompletableFuture<Message> f : fs) {
      assertEquals("192.0.2.10", ip(get(f)));
    }
  }

  @Test
  void concurrentIdenticalQuestionsMakeOneUpstreamQuery() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c = client(Duration.ofSeconds(3), 1);
    LongAdder joined = new LongAdder();
    Coalescer<String, Message> coalescer = new Coalescer<>(joined);
    Name name = Name.fromString("same.aws.test.");
    int n = 50;
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<CompletableFuture<Message>> sync = java.util.Collections.synchronizedList(fs);
    for (int i = 0; i < n; i++) {
      Thread t =
          new Thread(
              () -> sync.add(coalescer.run("same/A", () -> c.query(name, Type.A, route(up)))));
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(5000);
    }
    FakeUpstream.Query q = up.next();
    assertEquals(n - 1, joined.sum(), "every caller after the first joined");
    up.reply(q, answer(q.message(), "192.0.2.77"));
    for (CompletableFuture<Message> f : List.copyOf(sync)) {
      assertEquals("192.0.2.77", ip(get(f)));
    }
    assertEquals(n, sync.size());
    assertFalse(up.anotherWithin(100), "a second upstream query");
    assertEquals(1, up.udpQueries());
  }

  @Test
  void socketsAreReplacedAfterTheirShareOfQueries() throws Exception {
    FakeUpstream up = fake();
    UpstreamClient c =
        new UpstreamClient(metrics, Duration.ofSeconds(2), 1, Duration.ofMillis(10), 1, 4);
    open.add(c);
    Set<Object> ports = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      CompletableFuture<Message> f =
          c.query(Name.fromString("r" + i + ".aws.test."), Type.A, route(up));
      FakeUpstream.Query q = up.next();
      ports.add(q.from());
      up.reply(q, answer(q.message(), "192.0.2.5"));
      assertEquals("192.0.2.5", ip(get(f)));
    }
    // 8 sockets, each replaced after 4 queries: 100 queries see about 8 + 25 ports
    assertTrue(ports.size() > 2 * Lane.POOL, "source ports " + ports.size());
  }
}
