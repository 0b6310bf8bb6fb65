package dnsplane.authdns.rrl;

/** Verdict is what to do with one UDP response under response rate limiting. */
public enum Verdict {
  /** Send it. */
  ANSWER,
  /** Send nothing. */
  DROP,
  /** Send a truncated reply (TC=1, question only) so a real client retries over TCP. */
  SLIP
}
