package dnsplane.authdns.answer;

import java.util.Arrays;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The output of a {@link DirectAnswer}: a bounded buffer with dnsjava's name compression (each name
 * points at the first earlier occurrence of its longest suffix already written, compared without
 * regard to case), reused answer after answer by one thread. What the authority and additional
 * sections need is worked out once per snapshot ({@link TailRecord}, {@link NameForm}).
 */
final class AnswerWriter {
  private static final int MAX_POINTER = 0x3FFF;

  private int limit;
  byte[] out = new byte[512]; // most answers fit: grown when not
  int at;
  boolean overflow;
  private Name[] names = new Name[16];
  private int[] positions = new int[16];
  private int count;
  // Where compression pointers were written, when a template is being made (null otherwise).
  private int[] pointersAt;
  private int pointers;

  /** Empties this writer for an answer of at most {@code limit} bytes. */
  AnswerWriter reset(int limit) {
    this.limit = Math.min(limit, 65535);
    at = 0;
    overflow = false;
    Arrays.fill(names, 0, count, null);
    count = 0;
    return this;
  }

  /** Whether {@code n} more bytes fit the limit; grows the buffer when they do. */
  private boolean room(int n) {
    if (at + n > limit) {
      overflow = true;
      return false;
    }
    if (at + n > out.length) {
      out = Arrays.copyOf(out, Math.min(limit, Math.max(out.length * 2, at + n)));
    }
    return true;
  }

  void u8(int v) {
    if (room(1)) {
      out[at++] = (byte) v;
    }
  }

  void u16(int v) {
    if (room(2)) {
      out[at++] = (byte) (v >>> 8);
      out[at++] = (byte) v;
    }
  }

  void u32(long v) {
    u16((int) (v >>> 16) & 0xFFFF);
    u16((int) v & 0xFFFF);
  }

  void raw(byte[] b, int from, int length) {
    if (room(length)) {
      System.arraycopy(b, from, out, at, length);
      at += length;
    }
  }

  /**
   * The question section: {@code question} as it came (the first name of a message has nothing to
   * point at), with each suffix of {@code qname} remembered where it starts. The suffixes at or
   * above the apex, {@code depth} labels down, are the apex's, made once per snapshot.
   */
  void question(Name qname, byte[] question, int length, int depth, Name[] originSuffixes) {
    int p = 0;
    for (int i = 0; i < qname.labels() - 1; i++) {
      Name suffix = i == 0 ? qname : i >= depth ? originSuffixes[i - depth] : new Name(qname, i);
      remember(suffix, at + p);
      p += 1 + (question[p] & 0xFF);
    }
    raw(question, 0, length);
  }

  /** As dnsjava's {@code Name.toWire(DNSOutput, Compression)}. */
  void name(Name n) {
    int labels = n.labels();
    for (int i = 0; i < labels - 1; i++) {
      Name suffix = i == 0 ? n : new Name(n, i);
      int pos = find(suffix);
      if (pos >= 0) {
        pointer(pos);
        return;
      }
      remember(suffix, at);
      byte[] label = n.getLabel(i); // with its length octet
      raw(label, 0, label.length);
    }
    u8(0);
  }

  /** As {@link #name(Name)}, from what {@code f} worked out once. */
  void name(NameForm f) {
    for (int i = 0; i < f.suffixes.length; i++) {
      int pos = find(f.suffixes[i]);
      if (pos >= 0) {
        pointer(pos);
        return;
      }
      remember(f.suffixes[i], at);
      raw(f.labels[i], 0, f.labels[i].length);
    }
    u8(0);
  }

  /**
   * As dnsjava's {@code Record.toWire(DNSOutput, int, Compression)} for the types answered here (A,
   * AAAA, TXT: no names in their rdata).
   */
  void record(Record r) {
    name(r.getName());
    u16(r.getType());
    u16(r.getDClass());
    u32(r.getTTL());
    byte[] rdata = r.rdataToWireCanonical(); // no names in it: canonical is plain
    u16(rdata.length);
    raw(rdata, 0, rdata.length);
  }

  /** As {@link #record(Record)} for a record of the authority or additional section. */
  void record(TailRecord t) {
    Record r = t.record;
    name(t.owner);
    u16(r.getType());
    u16(r.getDClass());
    u32(r.getTTL());
    int lengthAt = at;
    u16(0);
    if (t.target != null) {
      name(t.target);
    } else {
      raw(t.rdata, 0, t.rdata.length);
    }
    if (!overflow) {
      int length = at - lengthAt - 2;
      out[lengthAt] = (byte) (length >>> 8);
      out[lengthAt + 1] = (byte) length;
    }
  }

  private void pointer(int pos) {
    if (pointersAt != null && !overflow) {
      if (pointers == pointersAt.length) {
        pointersAt = Arrays.copyOf(pointersAt, pointers * 2);
      }
      pointersAt[pointers++] = at;
    }
    u16(0xC000 | pos);
  }

  /** How many names this answer has remembered for compression so far. */
  int remembered() {
    return count;
  }

  /**
   * Writes {@code t}'s bytes, its compression pointers made to point into this answer: at the apex
   * in the question, which starts at {@code originAt}, and within the template, which starts here.
   * False, with nothing written, when the template would end past a pointer's reach: the names in
   * it would then not all be remembered, and the record-by-record writing must decide.
   */
  boolean template(TailTemplate t, int originAt) {
    int start = at;
    if (start + t.wire.length > MAX_POINTER) {
      return false;
    }
    if (!room(t.wire.length)) {
      return true; // over the limit, as the records would have been
    }
    System.arraycopy(t.wire, 0, out, at, t.wire.length);
    at += t.wire.length;
    for (int i = 0; i < t.pointerAt.length; i++) {
      int target = t.target[i] + (t.intoOrigin[i] ? originAt : start);
      out[start + t.pointerAt[i]] = (byte) (0xC0 | target >>> 8);
      out[start + t.pointerAt[i] + 1] = (byte) target;
    }
    return true;
  }

  /**
   * The authority and additional sections of a zone's answers, NS rrset and all its glue, written
   * once with their compression worked out against the apex alone, so that an answer whose question
   * and answer sections leave only the apex's suffixes to point at copies them and moves each
   * pointer ({@link #template(TailTemplate, int)}) instead of comparing names for every one.
   */
  static final class TailTemplate {
    final byte[] wire;
    final int[] pointerAt; // offsets of the pointers in wire
    final int[] target; // each one's target, from the apex's start or from the template's start
    final boolean[] intoOrigin;
    final Name[] inZoneNames; // names written in the template below the apex

    private TailTemplate(
        byte[] wire, int[] pointerAt, int[] target, boolean[] intoOrigin, Name[] inZoneNames) {
      this.wire = wire;
      this.pointerAt = pointerAt;
      this.target = target;
      this.intoOrigin = intoOrigin;
      this.inZoneNames = inZoneNames;
    }

    /** The template of {@code ns} then {@code glue}, after a question for the apex itself. */
    static TailTemplate of(
        Name origin, byte[] originWire, Name[] originSuffixes, TailRecord[] ns, TailRecord[] glue) {
      AnswerWriter w = new AnswerWriter().reset(MAX_POINTER);
      w.pointersAt = new int[8];
      for (int i = 0; i < 12; i++) {
        w.u8(0);
      }
      byte[] question = Arrays.copyOf(originWire, originWire.length + 4);
      w.question(origin, question, question.length, 0, originSuffixes);
      int originAt = 12;
      int start = w.at;
      w.pointers = 0;
      for (TailRecord r : ns) {
        w.record(r);
      }
      for (TailRecord g : glue) {
        w.record(g);
      }
      if (w.overflow) {
        return null;
      }
      int n = w.pointers;
      int[] pointerAt = new int[n];
      int[] target = new int[n];
      boolean[] intoOrigin = new boolean[n];
      for (int i = 0; i < n; i++) {
        int p = w.pointersAt[i];
        int v = ((w.out[p] & 0x3F) << 8) | (w.out[p + 1] & 0xFF);
        pointerAt[i] = p - start;
        intoOrigin[i] = v < start;
        target[i] = v < start ? v - originAt : v - start;
      }
      java.util.List<Name> below = new java.util.ArrayList<>();
      for (int i = 0; i < w.count; i++) {
        Name name = w.names[i];
        if (name.subdomain(origin) && !name.equals(origin) && !below.contains(name)) {
          below.add(name);
        }
      }
      return new TailTemplate(
          Arrays.copyOfRange(w.out, start, w.at),
          pointerAt,
          target,
          intoOrigin,
          below.toArray(Name[]::new));
    }

    /**
     * Whether a name the template writes below the apex is {@code qname} (compared as names are).
     */
    boolean writes(Name qname) {
      for (Name n : inZoneNames) {
        if (n.equals(qname)) {
          return true;
        }
      }
      return false;
    }
  }

  private int find(Name n) {
    for (int i = 0; i < count; i++) {
      if (names[i].equals(n)) {
        return positions[i];
      }
    }
    return -1;
  }

  private void remember(Name n, int position) {
    if (position > MAX_POINTER) {
      return;
    }
    if (count == names.length) {
      names = Arrays.copyOf(names, count * 2);
      positions = Arrays.copyOf(positions, count * 2);
    }
    names[count] = n;
    positions[count++] = position;
  }

  /**
   * A record of the authority or additional section, with what writing it needs worked out once:
   * its owner's and (NS) target's suffixes and labels, and (other types) its rdata.
   */
  static final class TailRecord {
    final Record record;
    final NameForm owner;
    final NameForm target; // NS only
    final byte[] rdata; // the others

    TailRecord(Record record) {
      this.record = record;
      this.owner = new NameForm(record.getName());
      if (record instanceof NSRecord ns) {
        this.target = new NameForm(ns.getTarget());
        this.rdata = null;
      } else {
        this.target = null;
        this.rdata = record.rdataToWireCanonical();
      }
    }
  }

  /** A name with its suffixes (suffix i drops the first i labels) and labels, made once. */
  static final class NameForm {
    final Name name;
    final Name[] suffixes;
    final byte[][] labels;

    NameForm(Name name) {
      this.name = name;
      int n = Math.max(0, name.labels() - 1);
      suffixes = new Name[n];
      labels = new byte[n][];
      for (int i = 0; i < n; i++) {
        suffixes[i] = i == 0 ? name : new Name(name, i);
        labels[i] = name.getLabel(i);
      }
    }
  }
}
