package dnsplane.resolver.cache;

import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * TtlRules computes how long an answer may be cached (PURE): positive TTLs and RFC 2308 negative
 * TTLs, both capped.
 */
public final class TtlRules {
  private TtlRules() {}

  /**
   * A positive answer lives as long as its shortest record, and never longer than {@code maxTtl}.
   */
  public static int positive(long minRecordTtl, int maxTtl) {
    return (int) Math.max(0, Math.min(minRecordTtl, maxTtl));
  }

  /**
   * RFC 2308 §5: a negative answer lives for min(SOA TTL, SOA MINIMUM), here also capped by {@code
   * maxNegativeTtl} (Unbound's cache-max-negative-ttl, default 3600).
   */
  public static int negative(long soaTtl, long soaMinimum, int maxNegativeTtl) {
    return (int) Math.max(0, Math.min(Math.min(soaTtl, soaMinimum), maxNegativeTtl));
  }

  /**
   * The TTL of a negative answer that came with a CNAME chain (RFC 2308 §2.1, §2.2): the negative
   * TTL, but no longer than the chain it rests on, so a cached chain is never served past its own
   * TTL. {@code chainTtl} is the shortest TTL in the answer section, or negative when there is no
   * chain.
   */
  public static int negativeAfterChain(int negativeTtl, long chainTtl) {
    return chainTtl < 0 ? negativeTtl : (int) Math.max(0, Math.min(negativeTtl, chainTtl));
  }

  /** The shortest TTL in the answer section, or -1 when it is empty. */
  public static long answerMinTtl(Message m) {
    long min = -1;
    for (Record r : m.getSection(Section.ANSWER)) {
      min = min < 0 ? r.getTTL() : Math.min(min, r.getTTL());
    }
    return min;
  }

  /**
   * The shortest TTL over the answer, authority and additional records (OPT excluded); 0 when there
   * are none.
   */
  public static long minTtl(Message m) {
    long min = Long.MAX_VALUE;
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : m.getSection(s)) {
        if (r.getType() != Type.OPT) {
          min = Math.min(min, r.getTTL());
        }
      }
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }

  /**
   * The SOA from the authority section of a negative answer, or null (then it must not be cached,
   * RFC 2308 §5).
   */
  public static SOARecord soa(Message m) {
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return soa;
      }
    }
    return null;
  }
}
