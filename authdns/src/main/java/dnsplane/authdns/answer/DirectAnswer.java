package dnsplane.authdns.answer;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.WireNames;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DirectAnswer writes the most common answer straight to wire bytes, without building a dnsjava
 * query or response: a name that exists with data of the type asked (A, AAAA or TXT), with no zone
 * cut, CNAME or wildcard on the way. Its authority section is the apex NS rrset and its additional
 * section the addresses of in-zone NS targets, as {@link ZoneLookup} gives them. PURE.
 *
 * <p>The bytes are those {@link Answerer} and {@link Render} produce for the same query: the same
 * records in the same order, and names compressed as dnsjava's {@code Compression} does (each name
 * points at the first earlier occurrence of its longest suffix already written, compared without
 * regard to case). {@code DirectAnswerTest} compares the two byte for byte over random zones and
 * queries. For anything else, or an answer that would not fit the size limit, it returns null and
 * the caller takes the general path: a cache miss at a million names costs a few tree lookups
 * instead of two dnsjava messages (about 4 KB of garbage each).
 *
 * <p>What it makes per answer is kept small, because at a million names nearly every query misses
 * the cache and comes here, and what it allocates is what the collector then works through: the
 * output buffer and its compression table are the thread's own ({@link Memo}), and the names and
 * record data shared by every answer from a zone snapshot (the authority and additional sections,
 * the suffixes of the apex) are worked out once per snapshot ({@link AnswerTail}), and a name at or
 * one label below the apex of the zone last answered from is found from the question's bytes, with
 * no Name parsed ({@link Memo#locate}).
 */
public final class DirectAnswer {
  private static final int FLAG_QR = 0x8000;
  private static final int FLAG_AA = 0x0400;
  private static final int FLAG_RD = 0x0100;

  private DirectAnswer() {}

  /**
   * The answer, or null when this query is not one this class answers. The answer is {@code memo}'s
   * own and holds until the next call with it.
   *
   * @param zones what is served
   * @param question the question as it came: name in wire form (no compression), type and class
   * @param questionLength how many bytes of {@code question} it takes (the rest is not read)
   * @param id the query's ID
   * @param recursionDesired the query's RD flag
   * @param qtype the question type
   * @param qclass the question class
   * @param edns whether the query had an EDNS(0) OPT record
   * @param dnssecOk the DO bit of that OPT
   * @param maxPayload our EDNS payload size, echoed in the OPT
   * @param limit the largest response allowed
   * @param memo the calling thread's own
   */
  public static Answer render(
      ZoneSet zones,
      byte[] question,
      int questionLength,
      int id,
      boolean recursionDesired,
      int qtype,
      int qclass,
      boolean edns,
      boolean dnssecOk,
      int maxPayload,
      int limit,
      Memo memo) {
    if (!answersType(qtype, qclass)) {
      return null;
    }
    int end = questionLength - 4; // the name's end: its root label included
    Located at = memo.locate(zones, question, end);
    if (at == null || !at.tail.hasSoa) {
      return null; // not ours, or no SOA: SERVFAIL, the general path's
    }
    AnswerTail tail = at.tail;
    Name qname = at.qname;
    int depth = at.depth;
    Object answer;
    if (at.node == null) {
      answer = dataAt(tail.zone, qname, question, end, depth, qtype);
    } else {
      // The name's own node, found from its bytes: the only node between it and the apex.
      answer = depth == 1 && Node.hasRecords(at.node, Type.NS) ? null : data(at.node, qtype);
    }
    if (answer == null) {
      return null;
    }
    int answerCount = answer instanceof Record ? 1 : ((List<?>) answer).size();
    // An address in the answer is not repeated as additional data (as ZoneLookup).
    int glueCount = 0;
    for (AnswerWriter.TailRecord g : tail.glue) {
      if (!contains(answer, g.record)) {
        glueCount++;
      }
    }

    AnswerWriter w = memo.writer.reset(limit);
    w.u16(id);
    w.u16(FLAG_QR | FLAG_AA | (recursionDesired ? FLAG_RD : 0));
    w.u16(1);
    w.u16(answerCount);
    w.u16(tail.ns.length);
    w.u16(glueCount + (edns ? 1 : 0));
    w.question(qname, question, questionLength, depth, tail.originSuffixes);
    int rememberedByQuestion = w.remembered();
    if (answer instanceof Record r) {
      w.record(r);
    } else {
      for (Object r : (List<?>) answer) {
        w.record((Record) r);
      }
    }
    AnswerWriter.TailTemplate template = tail.template;
    // The template holds what the loop below writes when the answer left nothing new to point at
    // but the question's names, every glue record is written, and the question's name below the
    // apex is none of the template's (the loop would point there); the template itself declines
    // to end past a pointer's reach.
    boolean fromTemplate =
        template != null
            && glueCount == tail.glue.length
            && depth <= 1
            && w.remembered() == rememberedByQuestion
            && (depth == 0 || !template.writes(qname))
            && w.template(template, 12 + end - tail.originWire.length);
    if (!fromTemplate) {
      for (AnswerWriter.TailRecord r : tail.ns) {
        w.record(r);
      }
      for (AnswerWriter.TailRecord g : tail.glue) {
        if (glueCount == tail.glue.length || !contains(answer, g.record)) {
          w.record(g);
        }
      }
    }
    if (edns) {
      // The OPT Answerer adds: our payload size, extended rcode 0, version 0, DO copied.
      w.u8(0);
      w.u16(Type.OPT);
      w.u16(maxPayload);
      w.u32(dnssecOk ? ExtendedFlags.DO : 0);
      w.u16(0);
    }
    if (w.overflow) {
      return null;
    }
    return memo.answer.set(w.out, w.at);
  }

  private static boolean contains(Object rrset, Record r) {
    return rrset instanceof Record one ? one.equals(r) : ((List<?>) rrset).contains(r);
  }

  /**
   * A direct answer: its wire bytes ({@link #length} bytes of {@link #buffer} from its start). It
   * is the {@link Memo}'s own, refilled by each answer.
   */
  public static final class Answer {
    private byte[] buffer;
    private int length;

    private Answer set(byte[] buffer, int length) {
      this.buffer = buffer;
      this.length = length;
      return this;
    }

    /** The buffer the answer's bytes start at; valid until the memo's next answer. */
    public byte[] buffer() {
      return buffer;
    }

    /** The answer's length in bytes. */
    public int length() {
      return length;
    }

    /** A copy of the answer's bytes. */
    public byte[] wire() {
      return Arrays.copyOf(buffer, length);
    }
  }

  /**
   * One thread's working state (not thread-safe): its output buffer, its answer, the zone it last
   * answered from (which keeps that zone set from the collector until the thread's next answer),
   * and the tails of the last few zone snapshots answered from. A swap makes new snapshots, and the
   * tails of old ones simply fall out.
   */
  public static final class Memo {
    private final AnswerTail[] tails = new AnswerTail[4];
    private int next;
    private final AnswerWriter writer = new AnswerWriter();
    private final Answer answer = new Answer();
    private final Located located = new Located();
    private final Name[] ownerFound = new Name[1];
    private ZoneSet lastZones;
    private ZoneSnapshot lastZone;

    private byte[] question = new byte[64];
    private int[] hashes = new int[64];
    private Object[] cursors = new Object[64];
    // What the reads ahead added up to: kept, so that the compiler keeps every read.
    private int warmed;
    // Answers rendered here since the last batch was read ahead, and that batch's size.
    private int rendered;
    private int batch;

    /** A buffer of at least {@code length} bytes for the question to answer next: this memo's. */
    public byte[] question(int length) {
      if (question.length < length) {
        question = new byte[Math.max(length, 2 * question.length)];
      }
      return question;
    }

    /** A buffer of at least {@code count} name hashes for {@link #warm}: this memo's. */
    public int[] hashes(int count) {
      if (hashes.length < count) {
        hashes = new int[Math.max(count, 2 * hashes.length)];
        cursors = new Object[hashes.length];
      }
      return hashes;
    }

    /**
     * Whether the next batch of {@code count} questions is worth reading ahead for ({@link #warm}):
     * whether a quarter or more of the last batch was looked up here. When the answer cache answers
     * nearly everything (questions this class does not answer, asked again and again), reading
     * ahead would only cost time.
     */
    public boolean worthWarming(int count) {
      boolean worth = count > 1 && rendered * 4 >= batch;
      rendered = 0;
      batch = count;
      return worth;
    }

    /**
     * Reads ahead, for a batch of questions about to be answered one by one, the zone data that
     * finding their names will read: {@code hashes[0..count)} are the names' {@link
     * WireNames#hash}es (from {@link #hashes}). At a million names those reads miss the processor's
     * caches, five or so a name, each waiting for the one before; read for the whole batch at once
     * ({@link ZoneSnapshot#touch}) they overlap. Only the zone this thread last answered from is
     * read ahead: the one {@link #locate} looks in first.
     */
    public void warm(ZoneSet zones, int[] hashes, int count) {
      ZoneSnapshot last = lastZones == zones ? lastZone : null;
      if (last != null && count > 1) {
        warmed += last.touch(hashes, count, cursors);
        Arrays.fill(cursors, 0, count, null);
      }
    }

    AnswerTail tail(ZoneSnapshot zone) {
      for (AnswerTail t : tails) {
        if (t != null && t.zone == zone) {
          return t;
        }
      }
      AnswerTail t = new AnswerTail(zone);
      tails[next] = t;
      next = (next + 1) % tails.length;
      return t;
    }

    /**
     * Where the question's name is: its zone (the closest served one above it, as {@link
     * ZoneSet#findZone} finds it), its Name and depth below the apex, and, for a name at or one
     * label below the apex of the zone this thread last answered from (in the same zone set), its
     * node. Such a name, the common case, is looked up from its bytes ({@code question[0..end)}):
     * no Name is parsed and no parent name made; the Name is the owner name stored. Null when no
     * served zone holds it, or when that fast look-up finds no node (the general path then
     * answers).
     */
    Located locate(ZoneSet zones, byte[] question, int end) {
      rendered++;
      ZoneSnapshot last = lastZones == zones ? lastZone : null;
      if (last != null) {
        AnswerTail t = tail(last);
        int depth = labelCount(question, end) - last.origin().labels();
        if ((depth == 0 || depth == 1) && endsWith(question, depth, end, t.originWire)) {
          Object node = last.storedNode(question, 0, end, ownerFound);
          Name owner = ownerFound[0];
          ownerFound[0] = null;
          if (node == null) {
            return null;
          }
          // One label down, a zone of that very name would be closer.
          if (depth == 0 || zones.zoneOrNull(owner) == null) {
            return located.set(t, owner, depth, node);
          }
        }
      }
      Name qname;
      try {
        qname = new Name(question);
      } catch (IOException e) {
        return null;
      }
      ZoneSnapshot zone = zones.findZone(qname).orElse(null);
      lastZones = zones;
      lastZone = zone;
      return zone == null
          ? null
          : located.set(tail(zone), qname, qname.labels() - zone.origin().labels(), null);
    }
  }

  /** Where a question's name is: see {@link Memo#locate}. A memo's own, refilled each time. */
  private static final class Located {
    AnswerTail tail;
    Name qname;
    int depth;
    Object node; // the name's node as stored, or null when not looked up yet

    Located set(AnswerTail tail, Name qname, int depth, Object node) {
      this.tail = tail;
      this.qname = qname;
      this.depth = depth;
      this.node = node;
      return this;
    }
  }

  /** How many labels the wire name {@code wire[0..end)} has, its root label included. */
  private static int labelCount(byte[] wire, int end) {
    int labels = 1;
    for (int p = 0; p < end - 1; p += 1 + (wire[p] & 0xFF)) {
      labels++;
    }
    return labels;
  }

  /**
   * Whether the wire name {@code wire[0..end)} less its first {@code skip} labels is {@code
   * canonical} (a lower-case wire name), compared without case.
   */
  private static boolean endsWith(byte[] wire, int skip, int end, byte[] canonical) {
    return WireNames.sameAs(canonical, wire, labelStart(wire, skip), end);
  }

  /** Whether a question of this type and class can be answered here at all. */
  public static boolean answersType(int qtype, int qclass) {
    return qclass == DClass.IN && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.TXT);
  }

  /**
   * The rrset of {@code qtype} at {@code qname} (a Record when it is the only one, else a list)
   * when the name exists with such data and no node between the apex and it is a zone cut; null
   * when ZoneLookup would take another turn (a referral, a CNAME, NODATA, a wildcard or NXDOMAIN).
   * {@code depth} is how many labels {@code qname} has below the apex, and {@code question[0..end)}
   * is its wire form.
   */
  private static Object dataAt(
      ZoneSnapshot zone, Name qname, byte[] question, int end, int depth, int qtype) {
    Object node = depth == 0 ? zone.storedNode(qname, question, 0, end) : null;
    for (int i = depth - 1; i >= 0; i--) {
      Name ancestor = i == 0 ? qname : new Name(qname, i);
      node = zone.storedNode(ancestor, question, labelStart(question, i), end);
      if (node == null) {
        if (i == 0) {
          return null; // an empty non-terminal, or a name that does not exist
        }
        // Above a name that exists, a name without a node is an empty non-terminal (if the
        // name asked turns out not to exist, the general path answers anyway).
        continue;
      }
      if (Node.hasRecords(node, Type.NS)) {
        return null; // a zone cut: a referral
      }
    }
    return data(node, qtype);
  }

  /** The records of {@code qtype} at the node stored as {@code node}; null when there are none. */
  private static Object data(Object node, int qtype) {
    Object rrset = Node.records(node, qtype);
    return rrset instanceof List<?> l && l.isEmpty() ? null : rrset;
  }

  /** Where label {@code i} starts in the uncompressed wire name at the start of {@code wire}. */
  private static int labelStart(byte[] wire, int i) {
    int p = 0;
    for (int k = 0; k < i; k++) {
      p += 1 + (wire[p] & 0xFF);
    }
    return p;
  }
}
