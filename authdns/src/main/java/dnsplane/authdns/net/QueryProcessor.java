package dnsplane.authdns.net;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.answer.DirectAnswer;
import dnsplane.authdns.answer.Render;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.WireNames;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * QueryProcessor turns one query's bytes into one response's bytes for either transport, by
 * deciding which part answers it: the fast path parses the question from the buffer and writes the
 * common answer straight to wire ({@link DirectAnswer}), or serves the {@link AnswerCache}'s
 * rendering of any other; the slow path parses with dnsjava and asks the {@link TransferRouter} (is
 * it the xfr package's?), then the pure {@link Answerer}, rendering with {@link Render#toWire},
 * which truncates and sets TC; its answers are what the cache holds. It never throws: what no
 * answerer can answer gets its reply from {@link ErrorReplies}. Counting is {@link
 * AnswerCounting}'s.
 */
final class QueryProcessor {
  /** The answer cache's byte bound: 100,000 answers of about 300 bytes fit twice. */
  static final long CACHE_BYTES = 64L << 20;

  private static final int RD = 0x0100;

  private final SnapshotHolder holder;
  private final int maxPayload;
  private final AnswerCache cache;
  private final AnswerCounting counting;
  private final ErrorReplies errors;
  private final AnswerFunction answerer;
  private final TransferRouter transfers;
  // Event-loop threads each get their own parser: no locking and no allocation per query.
  private final FastThreadLocal<WireQuery> parsers =
      new FastThreadLocal<>() {
        @Override
        protected WireQuery initialValue() {
          return new WireQuery();
        }
      };

  private final FastThreadLocal<DirectAnswer.Memo> memos =
      new FastThreadLocal<>() {
        @Override
        protected DirectAnswer.Memo initialValue() {
          return new DirectAnswer.Memo();
        }
      };

  /** The answer function; {@link #STANDARD} in service. */
  @FunctionalInterface
  interface AnswerFunction {
    Message answer(ZoneSet zones, Message query, int maxPayload, boolean overTcp);
  }

  /**
   * {@link Answerer#answer(ZoneSet, Message, int, boolean)}. Only with it is {@link DirectAnswer}
   * tried first, which writes what it would; another function (a test's) answers every query the
   * cache does not.
   */
  static final AnswerFunction STANDARD = Answerer::answer;

  QueryProcessor(
      SnapshotHolder holder, QueryMetrics metrics, int maxPayload, int cacheEntries, Clock clock) {
    this(holder, metrics, maxPayload, cacheEntries, clock, STANDARD);
  }

  /** With another answer function: lets a test make the answer fail as a bug would. */
  QueryProcessor(
      SnapshotHolder holder,
      QueryMetrics metrics,
      int maxPayload,
      int cacheEntries,
      Clock clock,
      AnswerFunction answerer) {
    this(holder, metrics, maxPayload, cacheEntries, clock, answerer, (XfrService) null);
  }

  /** With zone transfers offered by {@code xfr} (null: not offered). */
  QueryProcessor(
      SnapshotHolder holder,
      QueryMetrics metrics,
      int maxPayload,
      int cacheEntries,
      Clock clock,
      AnswerFunction answerer,
      XfrService xfr) {
    this(holder, metrics, maxPayload, cacheEntries, clock, answerer, TransferRouter.of(xfr));
  }

  /** With transfers routed by {@code transfers}. */
  QueryProcessor(
      SnapshotHolder holder,
      QueryMetrics metrics,
      int maxPayload,
      int cacheEntries,
      Clock clock,
      AnswerFunction answerer,
      TransferRouter transfers) {
    this.holder = holder;
    this.maxPayload = maxPayload;
    this.answerer = answerer;
    this.transfers = transfers;
    this.cache = new AnswerCache(holder, cacheEntries, cacheBytes(cacheEntries));
    this.counting = new AnswerCounting(metrics);
    this.errors = new ErrorReplies(metrics, clock);
  }

  /**
   * The byte bound of the answer cache: {@link #CACHE_BYTES}, or less for a small entry bound (a
   * test's), never more than 2 KB an entry.
   */
  static long cacheBytes(int cacheEntries) {
    return Math.min(CACHE_BYTES, cacheEntries * 2048L);
  }

  /** Called before {@code next} replaces {@code before} as the served snapshot; see AnswerCache. */
  void beforeSwap(ZoneSet before, ZoneSet next, List<ZoneChange> changes) {
    cache.beforeSwap(before, next, changes);
  }

  /** The answers cached now. */
  int cachedAnswers() {
    return cache.size();
  }

  /** The snapshot holder answers come from. */
  SnapshotHolder holder() {
    return holder;
  }

  /** Where TCP frames that are zone transfers go. */
  TransferRouter transfers() {
    return transfers;
  }

  /** The replies to queries no answerer can answer, for a failed zone transfer. */
  ErrorReplies errors() {
    return errors;
  }

  /**
   * Reads ahead what answering {@code queries[0..count)}, next and one by one, will read of the
   * zone data ({@link DirectAnswer.Memo#warm}), so that the cache misses of their look-ups overlap.
   * A query whose name cannot be read is skipped: this only reads.
   */
  void warm(ByteBuf[] queries, int count) {
    if (answerer != STANDARD) {
      return;
    }
    DirectAnswer.Memo memo = memos.get();
    if (!memo.worthWarming(count)) {
      return;
    }
    int[] hashes = memo.hashes(count);
    byte[] name = memo.question(MAX_NAME);
    int n = 0;
    for (int i = 0; i < count; i++) {
      int length = questionName(queries[i], name);
      if (length > 0) {
        hashes[n++] = WireNames.hash(name, 0, length);
      }
    }
    memo.warm(holder.get(), hashes, n);
  }

  private static final int MAX_NAME = 255;

  /**
   * Copies the question name of {@code query} to {@code into} and returns its length, root label
   * included; -1 when there is no plain question name to read.
   */
  private static int questionName(ByteBuf query, byte[] into) {
    int start = query.readerIndex() + WireQuery.HEADER;
    int end = query.writerIndex();
    int p = start;
    while (p < end) {
      int len = query.getUnsignedByte(p);
      if (len == 0) {
        int length = p + 1 - start;
        query.getBytes(start, into, 0, length);
        return length;
      }
      if ((len & 0xC0) != 0 || p + 1 + len - start >= MAX_NAME) {
        return -1;
      }
      p += 1 + len;
    }
    return -1;
  }

  /** As {@link #process(ByteBuf, Transport, ByteBufAllocator, InetAddress)}, client unknown. */
  ByteBuf process(ByteBuf in, Transport transport, ByteBufAllocator alloc) {
    return process(in, transport, alloc, (InetAddress) null);
  }

  /**
   * The response to {@code in} from {@code client} (not released here), or null to send nothing.
   * The client's address matters only to the xfr package, whose transfer ACL decides IXFR over UDP;
   * null skips that check.
   */
  ByteBuf process(ByteBuf in, Transport transport, ByteBufAllocator alloc, InetAddress client) {
    return process(in, transport, alloc, client == null ? null : () -> client);
  }

  /**
   * As {@link #process(ByteBuf, Transport, ByteBufAllocator, InetAddress)}, with the client's
   * address asked for only by the answers that read it: {@link NativeUdp} holds it as a socket
   * address, and most answers never need it as an {@link InetAddress}.
   */
  ByteBuf process(
      ByteBuf in, Transport transport, ByteBufAllocator alloc, Supplier<InetAddress> client) {
    ZoneSet zones = holder.get();
    WireQuery q = parsers.get();
    CacheKey key = null;
    if (q.parse(in)) {
      if (answerer == STANDARD) {
        ByteBuf direct;
        try {
          direct = direct(zones, q, in, transport, alloc);
        } catch (RuntimeException e) {
          direct = null; // a bug here: the general path answers, or turns it into SERVFAIL
        }
        if (direct != null) {
          return direct;
        }
      }
      key = q.key(transport, q.limit(transport, maxPayload));
      ResponseCache.Entry hit = cache.get(zones, key);
      if (hit != null) {
        counting.count(hit, transport);
        return AnswerCache.reply(hit, q, in, alloc);
      }
    }
    byte[] wire = slowPath(ByteBufUtil.getBytes(in), zones, transport, key, client);
    return wire == null ? null : alloc.ioBuffer(wire.length).writeBytes(wire);
  }

  /**
   * The reply {@link DirectAnswer} writes for {@code q} (counted as the general path's would be),
   * or null when it does not answer this query. Tried before the answer cache, and never cached:
   * writing such an answer costs no more than a cache hit (at 10k names, where every answer fits
   * the cache, user time per query was the same with the cache and without), and at a million
   * names, asked at random, the look-up, the request count and the replacements of a cache that
   * holds a tenth of the zone were a fifth of authdns's own time per query, for one hit in ten
   * (issue 13).
   */
  private ByteBuf direct(
      ZoneSet zones, WireQuery q, ByteBuf in, Transport transport, ByteBufAllocator alloc) {
    if (!DirectAnswer.answersType(q.qtype, q.qclass)) {
      return null; // before any copy: the general path answers the other types
    }
    DirectAnswer.Memo memo = memos.get();
    int questionLength = q.qnameLength + 4;
    byte[] question = memo.question(questionLength);
    in.getBytes(in.readerIndex() + WireQuery.HEADER, question, 0, questionLength);
    DirectAnswer.Answer answer =
        DirectAnswer.render(
            zones,
            question,
            questionLength,
            q.id,
            (q.flags & RD) != 0,
            q.qtype,
            q.qclass,
            q.ednsMode != WireQuery.NO_EDNS,
            q.ednsMode == WireQuery.EDNS_DO,
            maxPayload,
            q.limit(transport, maxPayload),
            memo);
    if (answer == null) {
      return null;
    }
    ResponseCache.Entry counters = counting.positive(q.qtype);
    counting.count(counters, transport);
    int length = answer.length();
    return alloc.ioBuffer(length).writeBytes(answer.buffer(), 0, length);
  }

  private byte[] slowPath(
      byte[] bytes,
      ZoneSet zones,
      Transport transport,
      CacheKey key,
      Supplier<InetAddress> client) {
    Message query;
    try {
      query = new Message(bytes);
    } catch (IOException | RuntimeException e) {
      return errors.malformed(bytes, transport);
    }
    try {
      boolean tcp = transport == Transport.TCP;
      int limit = tcp ? Answerer.TCP_MAX : Answerer.udpLimit(query, maxPayload);
      if (transfers.routesDatagrams()) {
        // IXFR over UDP, NOTIFY and queries with a TSIG never reach the cache: their keys are
        // null (see WireQuery). A TSIG is verified there and the answer signed.
        XfrService.Reply x =
            transfers.datagram(
                zones,
                query,
                bytes,
                limit,
                m -> answerer.answer(zones, m, maxPayload, tcp),
                client == null ? null : client.get());
        if (x != null) {
          counting.routed(transport, query, x.rcode());
          return x.wire();
        }
      }
      Message response = answerer.answer(zones, query, maxPayload, tcp);
      if (response == null) {
        counting.dropped(transport);
        return null;
      }
      byte[] wire = Render.toWire(response, limit);
      ResponseCache.Entry entry = counting.entry(wire, query, response);
      counting.count(entry, transport);
      if (key != null) {
        Name qname = query.getQuestion() == null ? null : query.getQuestion().getName();
        cache.put(zones, key, entry, AnswerDependencies.of(zones, qname, response));
      }
      return wire;
    } catch (RuntimeException e) {
      return errors.answerFailed(query, transport, e);
    }
  }
}
