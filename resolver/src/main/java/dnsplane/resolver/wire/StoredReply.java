package dnsplane.resolver.wire;

/**
 * StoredReply is a response rendered to wire form once (ID 0, no OPT) with the offset of every TTL,
 * so that each reply is stamped from it by {@link ReplyWriter} rather than rendered again. The
 * cache's entries are StoredReplies; the wire format stays here, the caching rules there.
 *
 * <p>Implementations hand out their arrays without copying: callers only read them.
 */
public interface StoredReply {

  /** The rendered response. */
  byte[] wire();

  /** Where each record's TTL lives in {@link #wire}. */
  int[] ttlOffsets();

  /** Each record's TTL when stored. */
  int[] ttls();

  /** Clock time the response was stored; TTLs count down from it. */
  long storedAtMillis();

  /** The response's rcode. */
  int rcode();
}
