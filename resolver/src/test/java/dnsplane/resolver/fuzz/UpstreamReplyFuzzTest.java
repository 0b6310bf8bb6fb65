package dnsplane.resolver.fuzz;

import static dnsplane.resolver.fuzz.Rig.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.resolver.cache.CacheEntry;
import dnsplane.resolver.upstream.ResponseCheck;
import dnsplane.resolver.wire.WireQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the resolver does with arbitrary upstream replies: the poisoning shapes (wrong ID, wrong
 * question, records outside the zone asked, CNAME/DNAME chains out of it, absurd TTLs) and plain
 * garbage, through the real upstream client (UDP, TCP on TC), ResponseCheck, scrubbing and
 * CacheUpdater, for a client query that misses the cache.
 *
 * <p>Input: byte 0 picks the question; byte 1 holds flags: bit 0 patch the reply's ID to the
 * query's, bit 1 splice the query's question in after the reply's 12-byte header, bit 2 first cache
 * a good positive answer (so the empty-answer guard has something to protect), bit 3 build the
 * reply from records (below) instead of raw bytes, bit 4 force QR and opcode QUERY. The rest is the
 * reply: raw bytes, or for bit 3 a header byte (rcode and AA) then 4-byte record instructions
 * (section, owner, type/target, TTL) over names in and out of aws.test.
 *
 * <p>After the fuzzed reply the upstream always sends a SERVFAIL that matches the query, so a
 * rejected reply ends the wait at once. Properties: the client gets a well-formed reply echoing its
 * ID and question, within its UDP size; the cache entry for the question holds no record outside
 * aws.test. and no TTL over max-ttl; a reply that does not match the query (ID, QR/opcode,
 * question) changes nothing in the cache; after a good positive answer for a guarded name, no
 * upstream reply makes the client see an empty answer (the guard serves the last positive one);
 * nothing is logged at ERROR.
 */
class UpstreamReplyFuzzTest {
  static final FuzzUpstream UPSTREAM = upstream();
  static final ErrorLogs ERRORS = ErrorLogs.attach();
  static final String[] QUESTIONS = {
    "www.aws.test./A",
    "www.aws.test./AAAA",
    "alias.aws.test./A",
    "dynamodb.us-east-1.aws.test./A",
    "deep.sub.aws.test./TXT",
    "aws.test./SOA",
    "aws.test./NS",
    "WwW.AwS.TeSt./A",
    "x.aws.test./CNAME",
    "aws.test./ANY"
  };
  static final Name[] OWNERS =
      names(
          "QNAME",
          "aws.test.",
          "www.aws.test.",
          "sub.aws.test.",
          "x.www.aws.test.",
          "evil.test.",
          "aws.test.evil.",
          "test.",
          ".",
          "waws.test.",
          "target.example.org.",
          "ns1.aws.test.");
  static final int[] TYPES = {
    Type.A, Type.AAAA, Type.CNAME, Type.DNAME, Type.NS, Type.SOA, Type.TXT, Type.MX
  };
  // dnsjava refuses to build TTLs above 2^31-1; raw replies reach those.
  static final long[] TTLS = {0, 1, 60, 300, 86_400, 86_401, 604_800, 0x7FFF_FFFFL};
  static final Name QNAME_MARK = Name.fromConstantString("QNAME.");

  private static FuzzUpstream upstream() {
    try {
      return new FuzzUpstream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Name[] names(String... s) {
    return Arrays.stream(s)
        .map(
            x -> x.equals("QNAME") ? Name.fromConstantString("QNAME.") : Name.fromConstantString(x))
        .toArray(Name[]::new);
  }

  @FuzzTest(maxDuration = "10m")
  void upstreamReply(byte[] data) throws Exception {
    Loopback.allowOnly();
    if (data.length < 2) {
      return;
    }
    String[] qs = QUESTIONS[(data[0] & 0xFF) % QUESTIONS.length].split("/");
    Name qname = Name.fromString(qs[0]);
    int qtype = Type.value(qs[1]);
    int flags = data[1] & 0xFF;
    byte[] body = Arrays.copyOfRange(data, 2, data.length);
    String what = "upstream reply " + Rig.hex(data);
    ERRORS.clear();
    Rig rig = new Rig(UPSTREAM.port(), Map.of());
    byte[] client = clientQuery(qname, qtype);
    WireQuery wq = WireQuery.parse(client);
    boolean guardedPositive = false;
    if ((flags & 4) != 0) {
      UPSTREAM.script((q, tcp) -> List.of(goodAnswer(q)));
      byte[] r = rig.resolver.answer(wq, false).get(10, TimeUnit.SECONDS);
      UPSTREAM.rethrow();
      guardedPositive = !parse(r, what).getSection(Section.ANSWER).isEmpty();
    }
    CacheEntry before = rig.cache.get(wq.key());
    AtomicReference<byte[]> sentQuery = new AtomicReference<>();
    AtomicReference<byte[]> fuzzed = new AtomicReference<>();
    UPSTREAM.script(
        (q, tcp) -> {
          sentQuery.set(q);
          byte[] reply = reply(q, flags, body, qname);
          fuzzed.set(reply);
          return tcp ? List.of(reply) : List.of(reply, servfail(q));
        });
    byte[] answer = rig.resolver.answer(wq, false).get(10, TimeUnit.SECONDS);
    UPSTREAM.rethrow();
    UPSTREAM.script((q, tcp) -> List.of());

    Message r = parse(answer, what);
    check(
        r.getHeader().getFlag(Flags.QR) && r.getHeader().getID() == wq.id(),
        what,
        "ID/QR not echoed");
    check(
        r.getQuestion() != null
            && r.getQuestion().getName().toString().equals(qname.toString())
            && r.getQuestion().getType() == qtype,
        what,
        "question not echoed: " + r.getQuestion());
    check(answer.length <= Math.min(wq.udpSize(), 1232), what, "reply over the client's UDP size");
    for (String bad : Rig.outside(answer, Rig.ZONE)) {
      throw new AssertionError(what + ": out of bailiwick record reached the client: " + bad);
    }
    CacheEntry after = rig.cache.get(wq.key());
    if (after != null && after != before) {
      for (String bad : Rig.outside(after.answer().wire(), Rig.ZONE)) {
        throw new AssertionError(what + ": cached out of bailiwick: " + bad);
      }
      for (int ttl : after.answer().ttls()) {
        check(ttl >= 0 && ttl <= rig.cfg.maxTtl(), what, "cached TTL " + ttl);
      }
    }
    String mismatch = mismatch(sentQuery.get(), fuzzed.get());
    if (mismatch != null) {
      check(
          after == before || (after != null && before != null && after.answer() == before.answer()),
          what,
          "a reply that does not match (" + mismatch + ") changed the cached answer");
    }
    if (guardedPositive) {
      check(
          !r.getSection(Section.ANSWER).isEmpty(),
          what,
          "after a positive answer the guarded name was served empty: "
              + Rcode.string(r.getRcode()));
    }
    ERRORS.assertNone(what);
  }

  private static byte[] clientQuery(Name qname, int qtype) {
    Message q = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return q.toWire();
  }

  /** Why {@code reply} would not be accepted for {@code query}; null when it would. */
  private static String mismatch(byte[] query, byte[] reply) {
    if (query == null || reply == null) {
      return "no exchange";
    }
    try {
      return ResponseCheck.mismatch(new Message(query), new Message(reply));
    } catch (IOException | RuntimeException e) {
      return "unparseable";
    }
  }

  private static Message parse(byte[] wire, String what) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(what + ": the client's reply does not parse: " + Rig.hex(wire), e);
    }
  }

  /** The query's header (ID, RD), QR, and its question section as sent. */
  private static Message start(byte[] query) {
    try {
      Message q = new Message(query);
      Message m = new Message(q.getHeader().getID());
      m.getHeader().setFlag(Flags.QR);
      m.addRecord(q.getQuestion(), Section.QUESTION);
      return m;
    } catch (IOException e) {
      throw new IllegalStateException("the resolver sent a query that does not parse", e);
    }
  }

  static byte[] goodAnswer(byte[] query) {
    Message m = start(query);
    m.getHeader().setFlag(Flags.AA);
    Record q = m.getQuestion();
    try {
      if (q.getType() == Type.A || q.getType() == Type.ANY) {
        m.addRecord(
            new ARecord(q.getName(), DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.1")),
            Section.ANSWER);
      } else {
        m.addRecord(
            Record.fromString(
                q.getName(), q.getType(), DClass.IN, 300, goodRdata(q.getType()), Name.root),
            Section.ANSWER);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return m.toWire();
  }

  private static String goodRdata(int type) {
    return switch (type) {
      case Type.AAAA -> "2001:db8::1";
      case Type.TXT -> "\"good\"";
      case Type.SOA -> "ns1.aws.test. hostmaster.aws.test. 1 7200 3600 1209600 60";
      case Type.NS -> "ns1.aws.test.";
      case Type.CNAME -> "www.aws.test.";
      default -> "192.0.2.1";
    };
  }

  static byte[] servfail(byte[] query) {
    Message m = start(query);
    m.getHeader().setRcode(Rcode.SERVFAIL);
    return m.toWire();
  }

  /** The fuzzed reply to {@code query}. */
  static byte[] reply(byte[] query, int flags, byte[] body, Name qname) {
    byte[] out = (flags & 8) != 0 ? built(query, body, qname) : raw(query, flags, body);
    if ((flags & 1) != 0 && out.length >= 2) {
      out[0] = query[0];
      out[1] = query[1];
    }
    if ((flags & 16) != 0 && out.length >= 3) {
      out[2] = (byte) ((out[2] | 0x80) & ~0x78);
    }
    return out;
  }

  private static byte[] raw(byte[] query, int flags, byte[] body) {
    if ((flags & 2) == 0 || body.length < 12) {
      return body.clone();
    }
    int qEnd = questionEnd(query);
    byte[] out = new byte[body.length + (qEnd - 12)];
    System.arraycopy(body, 0, out, 0, 12);
    out[4] = 0;
    out[5] = 1;
    System.arraycopy(query, 12, out, 12, qEnd - 12);
    System.arraycopy(body, 12, out, qEnd, body.length - 12);
    return out;
  }

  private static int questionEnd(byte[] query) {
    int p = 12;
    while (query[p] != 0) {
      p += (query[p] & 0xFF) + 1;
    }
    return p + 5;
  }

  /** A reply assembled from record instructions: realistic poisoning shapes, fast. */
  private static byte[] built(byte[] query, byte[] body, Name qname) {
    Message m = start(query);
    if (body.length > 0) {
      m.getHeader().setRcode(body[0] & 0x0F);
      if ((body[0] & 0x10) != 0) {
        m.getHeader().setFlag(Flags.AA);
      }
      if ((body[0] & 0x20) != 0) {
        m.getHeader().setFlag(Flags.TC);
      }
    }
    List<int[]> ins = new ArrayList<>();
    for (int i = 1; i + 3 < body.length && ins.size() < 40; i += 4) {
      ins.add(
          new int[] {body[i] & 0xFF, body[i + 1] & 0xFF, body[i + 2] & 0xFF, body[i + 3] & 0xFF});
    }
    for (int[] x : ins) {
      int section = 1 + x[0] % 3;
      Name owner = pick(x[1], qname);
      int type = TYPES[x[2] % TYPES.length];
      Name target = pick(x[2] / TYPES.length, qname);
      long ttl = TTLS[x[3] % TTLS.length];
      m.addRecord(record(owner, type, target, ttl, x[3]), section);
    }
    return m.toWire();
  }

  private static Name pick(int i, Name qname) {
    Name n = OWNERS[i % OWNERS.length];
    return n.equals(QNAME_MARK) ? qname : n;
  }

  private static Record record(Name owner, int type, Name target, long ttl, int salt) {
    try {
      String rdata =
          switch (type) {
            case Type.A -> "192.0.2." + salt;
            case Type.AAAA -> "2001:db8::" + Integer.toHexString(salt);
            case Type.CNAME, Type.DNAME, Type.NS -> target.toString();
            case Type.SOA ->
                target + " hostmaster.aws.test. " + salt + " 7200 3600 1209600 " + (salt * 13);
            case Type.MX -> "10 " + target;
            default -> "\"t" + salt + "\"";
          };
      return Record.fromString(owner, type, DClass.IN, ttl, rdata, Name.root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
