package dnsplane.authdns.tsig;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * TsigKeys is the set of TSIG keys authdns knows, and what it does with them: verify a request's
 * TSIG, sign a response (one message, or every message of a transfer), and build the NOTAUTH answer
 * NSD gives a request that fails. Pure apart from the injected clock; thread-safe (dnsjava's TSIG
 * takes a fresh Mac per call).
 */
public final class TsigKeys {
  private static final TsigKeys NONE = new TsigKeys(List.of(), Clock.systemUTC());

  private final Map<Name, TsigKey> keys = new LinkedHashMap<>();
  private final Map<Name, TSIG> signers = new LinkedHashMap<>();
  private final Clock clock;

  private TsigKeys(Collection<TsigKey> keys, Clock clock) {
    this.clock = clock;
    for (TsigKey k : keys) {
      if (this.keys.put(k.name(), k) != null) {
        throw new IllegalArgumentException("TSIG key " + k.name() + " defined twice");
      }
      signers.put(k.name(), k.tsig(clock));
    }
  }

  /** No keys: every signed request fails with BADKEY. */
  public static TsigKeys none() {
    return NONE;
  }

  public static TsigKeys of(Collection<TsigKey> keys) {
    return new TsigKeys(keys, Clock.systemUTC());
  }

  /** With another clock for the time signed and the BADTIME check (tests). */
  public static TsigKeys of(Collection<TsigKey> keys, Clock clock) {
    return new TsigKeys(keys, clock);
  }

  public Optional<TsigKey> key(Name name) {
    return Optional.ofNullable(keys.get(name));
  }

  public Collection<TsigKey> all() {
    return List.copyOf(keys.values());
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The dnsjava TSIG object for a key of ours (to sign NOTIFYs and verify their replies). */
  public TSIG signer(TsigKey key) {
    return signers.get(key.name());
  }

  /**
   * Verifies {@code query}'s TSIG against {@code wire}, the bytes it was parsed from (RFC 8945
   * §5.2: key, then MAC, then time). A key we do not have, or have with another algorithm, is
   * BADKEY.
   */
  public TsigCheck check(Message query, byte[] wire) {
    TSIGRecord tsig = query.getTSIG();
    if (tsig == null) {
      for (Record r : query.getSection(Section.ADDITIONAL)) {
        if (r.getType() == Type.TSIG) {
          // RFC 8945 §5.1: a TSIG anywhere but last is FORMERR.
          return new TsigCheck.Failed(Rcode.FORMERR, (TSIGRecord) r);
        }
      }
      return TsigCheck.UNSIGNED;
    }
    TsigKey key = keys.get(tsig.getName());
    if (key == null || !key.algorithm().equals(tsig.getAlgorithm())) {
      return new TsigCheck.Failed(Rcode.BADKEY, tsig);
    }
    int result = signers.get(key.name()).verify(query, wire, null);
    if (result == Rcode.NOERROR) {
      return new TsigCheck.Verified(key, tsig);
    }
    return new TsigCheck.Failed(result, tsig);
  }

  /**
   * {@code response} (wire form, with {@code id}) with a TSIG record appended that answers the
   * request {@code check} verified: its MAC covers the request's MAC, the message, and the TSIG
   * variables (RFC 8945 §5.3).
   */
  public byte[] sign(byte[] response, TsigCheck.Verified check) {
    return append(
        response,
        signers
            .get(check.key().name())
            .generate(idOnly(response), response, Rcode.NOERROR, check.request(), true));
  }

  /**
   * Every message of a multi-message response (a transfer) signed, as RFC 8945 §5.3.1 allows and
   * NSD does: the first as a single response, each later one with the previous message's MAC and
   * only the timers as variables, so a client can check that none was dropped, reordered or
   * inserted.
   */
  public List<byte[]> signStream(List<byte[]> messages, TsigCheck.Verified check) {
    TSIG t = signers.get(check.key().name());
    List<byte[]> out = new ArrayList<>(messages.size());
    TSIGRecord prior = check.request();
    boolean first = true;
    for (byte[] m : messages) {
      TSIGRecord r = t.generate(idOnly(m), m, Rcode.NOERROR, prior, first);
      out.add(append(m, r));
      prior = r;
      first = false;
    }
    return out;
  }

  /**
   * The answer to a request whose TSIG failed, byte for byte what NSD 4.6 sends: NOTAUTH, the
   * query's ID, opcode and RD, no question, and a TSIG record with the error and an empty MAC. Time
   * signed is ours, except for BADTIME, where it is the request's and our time is in the other data
   * (RFC 8945 §5.2.3). A misplaced TSIG (FORMERR) gets a plain FORMERR.
   */
  public byte[] failure(Message query, TsigCheck.Failed f) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    if (f.error() == Rcode.FORMERR) {
      m.getHeader().setRcode(Rcode.FORMERR);
      if (query.getQuestion() != null) {
        m.addRecord(query.getQuestion(), Section.QUESTION);
      }
      return m.toWire();
    }
    m.getHeader().setRcode(Rcode.NOTAUTH);
    TSIGRecord req = f.request();
    Instant now = clock.instant();
    Instant signed = f.error() == Rcode.BADTIME ? req.getTimeSigned() : now;
    byte[] other = null;
    if (f.error() == Rcode.BADTIME) {
      DNSOutput o = new DNSOutput(6);
      long t = now.getEpochSecond();
      o.writeU16((int) (t >>> 32));
      o.writeU32(t & 0xFFFFFFFFL);
      other = o.toByteArray();
    }
    m.addRecord(
        new TSIGRecord(
            req.getName(),
            DClass.ANY,
            0,
            req.getAlgorithm(),
            signed,
            TSIG.FUDGE,
            new byte[0],
            query.getHeader().getID(),
            f.error(),
            other),
        Section.ADDITIONAL);
    return m.toWire();
  }

  /** dnsjava's generate only reads the ID from the message it is given. */
  private static Message idOnly(byte[] wire) {
    return new Message(((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF));
  }

  private static byte[] append(byte[] wire, TSIGRecord r) {
    byte[] rr = r.toWire(Section.ADDITIONAL);
    byte[] out = Arrays.copyOf(wire, wire.length + rr.length);
    System.arraycopy(rr, 0, out, wire.length, rr.length);
    int ar = (((out[10] & 0xFF) << 8) | (out[11] & 0xFF)) + 1;
    out[10] = (byte) (ar >>> 8);
    out[11] = (byte) ar;
    return out;
  }

  @Override
  public String toString() {
    return "TsigKeys" + keys.values();
  }
}
