package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The answer cache keeps answers across snapshot swaps, and must never serve one that the swap
 * changed. Tried differentially: after each of hundreds of random swaps (addresses, new names under
 * a wildcard, delegations, CNAME targets, the apex NS's glue, removals), every question is answered
 * by a caching processor, twice, and by one without a cache; the bytes must be the same.
 */
class CacheAcrossSwapsTest {

  private static final Name ZONE = Name.fromConstantString("cache.test.");
  private static final String ZONE_TEXT =
      """
      $TTL 300
      @        SOA  ns1 hostmaster 1 3600 600 86400 60
      @        NS   ns1
      ns1      A    192.0.2.53
      a        A    192.0.2.1
      b        A    192.0.2.2
      c        A    192.0.2.3
      alias    CNAME a
      mx       MX   10 mail
      mail     A    192.0.2.25
      *.wild   A    192.0.2.99
      deleg    NS   ns.deleg
      ns.deleg A    192.0.2.54
      """;

  private static final String[] ADDRESS_NAMES = {
    "a", "b", "c", "new1", "deep.new2", "x.wild", "mail", "ns1", "ns.deleg", "host.sub"
  };
  private static final String[] QUESTION_NAMES = {
    "@",
    "a",
    "b",
    "c",
    "new1",
    "new2",
    "deep.new2",
    "x.wild",
    "y.wild",
    "q.x.wild",
    "alias",
    "mx",
    "mail",
    "ns1",
    "sub",
    "host.sub",
    "deleg",
    "ns.deleg",
    "host.deleg",
    "nothere"
  };
  private static final int[] QUESTION_TYPES = {
    Type.A, Type.AAAA, Type.TXT, Type.MX, Type.NS, Type.SOA, Type.CNAME, Type.ANY
  };

  private static Name name(String relative) {
    try {
      return relative.equals("@") ? ZONE : Name.fromString(relative, ZONE);
    } catch (Exception e) {
      throw new IllegalArgumentException(relative, e);
    }
  }

  private static byte[] run(QueryProcessor p, byte[] query) {
    ByteBuf out =
        p.process(Unpooled.wrappedBuffer(query), Transport.UDP, UnpooledByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** A counting answer function, to tell a cached answer from a rendered one. */
  private static QueryProcessor processor(
      SnapshotHolder holder, int cacheEntries, AtomicInteger rendered) {
    return new QueryProcessor(
        holder,
        new QueryMetrics(),
        1232,
        cacheEntries,
        Clock.systemUTC(),
        (zones, query, max, tcp) -> {
          rendered.incrementAndGet();
          return dnsplane.authdns.answer.Answerer.answer(zones, query, max, tcp);
        });
  }

  private static byte[] query(String relative, int type) throws Exception {
    Message m = Message.newQuery(Record.newRecord(name(relative), type, DClass.IN));
    m.getHeader().setID(4242);
    return m.toWire();
  }

  @Test
  void randomSwapsNeverLeaveAStaleAnswer() throws Exception {
    SnapshotHolder holder = new SnapshotHolder(ZoneSet.fromMasterText(ZONE_TEXT, ZONE));
    AtomicInteger rendered = new AtomicInteger();
    QueryProcessor cached = processor(holder, 10_000, rendered);
    QueryProcessor reference = processor(holder, 0, new AtomicInteger());
    // -Ddnsplane.cache-swaps.seed=N -Ddnsplane.cache-swaps.steps=M for a longer hunt.
    Random random = new Random(Long.getLong("dnsplane.cache-swaps.seed", 20261129));
    int steps = Integer.getInteger("dnsplane.cache-swaps.steps", 250);
    long serial = 1;
    int kept = 0;
    for (int step = 0; step < steps; step++) {
      ZoneSet before = holder.get();
      List<ZoneChange> changes = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        changes.add(randomChange(random, ++serial));
      }
      ZoneSet next = before.apply(changes);
      if (random.nextInt(20) == 0) {
        holder.set(next); // unannounced: the cache must notice on its own
      } else {
        cached.beforeSwap(before, next, changes);
        holder.set(next);
      }
      int renderedBefore = rendered.get();
      int questions = 0;
      for (String q : QUESTION_NAMES) {
        for (int type : QUESTION_TYPES) {
          byte[] query = query(q, type);
          byte[] expected = run(reference, query);
          String what = "step " + step + " after " + changes + ": " + q + " " + Type.string(type);
          assertArrayEquals(expected, run(cached, query), what);
          assertArrayEquals(expected, run(cached, query), what + " (again)");
          questions++;
        }
      }
      // Every question was asked twice: at most one rendering each, fewer when answers survived.
      int renderings = rendered.get() - renderedBefore;
      assertTrue(renderings <= questions, "step " + step + ": " + renderings + " renderings");
      kept += questions - renderings;
    }
    // Answers outlive the swaps that do not touch them. Few do here: most questions are negative
    // (serial-bound) and a third of the changes flush the zone (delegation, wildcard, glue).
    assertTrue(kept > steps * QUESTION_NAMES.length * QUESTION_TYPES.length / 10, "kept " + kept);
  }

  @Test
  void answersRacingASwapNeverOutliveIt() throws Exception {
    SnapshotHolder holder = new SnapshotHolder(ZoneSet.fromMasterText(ZONE_TEXT, ZONE));
    QueryProcessor cached = processor(holder, 10_000, new AtomicInteger());
    QueryProcessor reference = processor(holder, 0, new AtomicInteger());
    List<byte[]> questions = new ArrayList<>();
    for (String q : QUESTION_NAMES) {
      for (int type : new int[] {Type.A, Type.TXT, Type.CNAME}) {
        questions.add(query(q, type));
      }
    }
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> askers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    for (int t = 0; t < 3; t++) {
      int seed = t;
      Thread asker =
          new Thread(
              () -> {
                Random r = new Random(seed);
                try {
                  while (!done.get()) {
                    run(cached, questions.get(r.nextInt(questions.size())));
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      asker.start();
      askers.add(asker);
    }
    try {
      Random random = new Random(7);
      long serial = 1;
      for (int step = 0; step < 300; step++) {
        ZoneSet before = holder.get();
        List<ZoneChange> changes = List.of(randomChange(random, ++serial));
        ZoneSet next = before.apply(changes);
        cached.beforeSwap(before, next, changes);
        holder.set(next);
        // The swap is complete: whatever the askers raced into the cache, this snapshot's
        // answers are what every question gets now.
        for (byte[] q : questions) {
          assertArrayEquals(run(reference, q), run(cached, q), "step " + step + " " + changes);
        }
      }
    } finally {
      done.set(true);
      for (Thread t : askers) {
        t.join(10_000);
      }
    }
    assertEquals(null, failure.get());
  }

  private static ZoneChange randomChange(Random random, long serial) throws Exception {
    switch (random.nextInt(7)) {
      case 0, 1, 2 -> {
        Name owner = name(ADDRESS_NAMES[random.nextInt(ADDRESS_NAMES.length)]);
        if (random.nextInt(4) == 0) {
          return new ZoneChange.RrsetRemoved(ZONE, owner, Type.A, serial);
        }
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(2); i++) {
          records.add(
              new ARecord(
                  owner,
                  DClass.IN,
                  300,
                  InetAddress.getByAddress(
                      new byte[] {(byte) 198, 51, 100, (byte) random.nextInt(256)})));
        }
        return new ZoneChange.RrsetReplaced(ZONE, owner, Type.A, records, serial);
      }
      case 3 -> {
        Name sub = name("sub");
        return random.nextBoolean()
            ? new ZoneChange.RrsetReplaced(
                ZONE, sub, Type.NS, List.of(new NSRecord(sub, DClass.IN, 300, name("ns1"))), serial)
            : new ZoneChange.RrsetRemoved(ZONE, sub, Type.NS, serial);
      }
      case 4 -> {
        Name wild = name("*.wild");
        return new ZoneChange.RrsetReplaced(
            ZONE,
            wild,
            Type.A,
            List.of(
                new ARecord(
                    wild,
                    DClass.IN,
                    300,
                    InetAddress.getByAddress(
                        new byte[] {(byte) 203, 0, 113, (byte) random.nextInt(256)}))),
            serial);
      }
      case 5 -> {
        Name alias = name("alias");
        return new ZoneChange.RrsetReplaced(
            ZONE,
            alias,
            Type.CNAME,
            List.of(new CNAMERecord(alias, DClass.IN, 300, name(random.nextBoolean() ? "a" : "b"))),
            serial);
      }
      default -> {
        Name a = name("a");
        return new ZoneChange.RrsetReplaced(
            ZONE,
            a,
            Type.TXT,
            List.of(new TXTRecord(a, DClass.IN, 300, "v" + random.nextInt(1000))),
            serial);
      }
    }
  }

  @Test
  void aSwapKeepsUntouchedAnswersAndDropsTouchedOnes() throws Exception {
    SnapshotHolder holder = new SnapshotHolder(ZoneSet.fromMasterText(ZONE_TEXT, ZONE));
    AtomicInteger rendered = new AtomicInteger();
    QueryProcessor cached = processor(holder, 10_000, rendered);
    run(cached, query("a", Type.A));
    run(cached, query("b", Type.A));
    run(cached, query("nothere", Type.A));
    assertEquals(3, rendered.get());
    ZoneSet before = holder.get();
    Name b = name("b");
    List<ZoneChange> changes =
        List.of(
            new ZoneChange.RrsetReplaced(
                ZONE,
                b,
                Type.A,
                List.of(new ARecord(b, DClass.IN, 300, InetAddress.getByName("198.51.100.7"))),
                2));
    ZoneSet next = before.apply(changes);
    cached.beforeSwap(before, next, changes);
    holder.set(next);
    run(cached, query("a", Type.A));
    assertEquals(3, rendered.get(), "a's answer did not change: served from the cache");
    Message bAnswer = new Message(run(cached, query("b", Type.A)));
    assertEquals(4, rendered.get(), "b's did: rendered again");
    assertEquals(
        "198.51.100.7", ((ARecord) bAnswer.getSection(1).get(0)).getAddress().getHostAddress());
    run(cached, query("nothere", Type.A));
    assertEquals(5, rendered.get(), "a negative answer carries the serial: rendered again");
  }

  @Test
  void anAnswerAddedFromTheSnapshotBeforeASwapIsNotKept() throws Exception {
    SnapshotHolder holder = new SnapshotHolder(ZoneSet.fromMasterText(ZONE_TEXT, ZONE));
    AnswerCache cache = new AnswerCache(holder, 100, 1 << 20);
    ZoneSet before = holder.get();
    Name b = name("b");
    List<ZoneChange> changes = List.of(new ZoneChange.RrsetRemoved(ZONE, b, Type.A, 2));
    ZoneSet next = before.apply(changes);
    byte[] qname = {1, 'b', 5, 'c', 'a', 'c', 'h', 'e', 4, 't', 'e', 's', 't', 0};
    CacheKey key = new CacheKey(64).fill(qname, qname.length, Type.A, DClass.IN, 1232, 1).copy();
    ResponseCache.Entry stale = new ResponseCache.Entry(new byte[12], null, null, null, false);
    AnswerDependencies deps = new AnswerDependencies(ZONE, false, List.of(b));

    // A query answered from the old snapshot is admitted, then the swap runs (dropping b), and
    // only then does the query store its answer: it must take it out again.
    assertTrue(cache.admits(before));
    cache.beforeSwap(before, next, changes);
    holder.set(next);
    cache.store(before, key, stale, deps);
    assertEquals(null, cache.get(next, key));
    assertEquals(0, cache.size());

    // After the swap the old snapshot is no longer admitted at all.
    cache.put(before, key, stale, deps);
    assertEquals(0, cache.size());
  }
}
