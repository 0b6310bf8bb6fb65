package dnsplane.enactor.verify;

/**
 * VerifyVerdict judges what authdns answered for an endpoint after this enactor wrote to it,
 * leaving its {@code _plan} TXT at {@code expected}: the plan that last changed the endpoint's
 * addresses, which is the written plan when the write changed them and an older one when it did not
 * (a heartbeat). PURE.
 *
 * <pre>
 *  rcode      | addresses | _plan TXT generation  | verdict
 *  -----------+-----------+-----------------------+---------------------------------------
 *  not NOERROR| any       | any                   | Failed (the name must exist)
 *  NOERROR    | 0         | any                   | Empty   (alarm: the 2025 symptom)
 *  NOERROR    | &gt; 0    | missing               | Older   (alarm once the deadline passes)
 *  NOERROR    | &gt; 0    | &lt; expected       | Older   (older addresses; or authdns is
 *             |           |                       |          still catching up)
 *  NOERROR    | &gt; 0    | &gt;= expected      | Ok      (a newer change is fine)
 * </pre>
 *
 * Under an unchanged marker the check is as strong as before: every change of the addresses
 * advances the marker, so addresses older than the ones written always come with a marker older
 * than {@code expected}.
 */
public sealed interface VerifyVerdict {

  /** Whether this verdict is an alarm (anything but Ok). */
  default boolean alarm() {
    return !(this instanceof Ok);
  }

  /** authdns serves the expected marker or a newer one, with addresses. */
  record Ok(long served) implements VerifyVerdict {}

  /** authdns answers with no address at all. */
  record Empty(Long served) implements VerifyVerdict {}

  /** authdns serves an older marker (or none) than the write left. */
  record Older(Long served, long expected) implements VerifyVerdict {}

  /** The query failed or the rcode was not NOERROR. */
  record Failed(String why) implements VerifyVerdict {}

  /** Judges one observation; {@code rcode} is the DNS rcode, -1 when no answer came back. */
  static VerifyVerdict judge(long expected, int rcode, int addressCount, Long servedGeneration) {
    if (rcode != 0) {
      return new Failed(rcode < 0 ? "no answer from authdns" : "rcode " + rcode);
    }
    if (addressCount == 0) {
      return new Empty(servedGeneration);
    }
    if (servedGeneration == null || servedGeneration < expected) {
      return new Older(servedGeneration, expected);
    }
    return new Ok(servedGeneration);
  }

  /** Parses a TXT string such as {@code 12} into a generation; null when it is not one. */
  static Long parseGeneration(String txt) {
    return dnsplane.enactor.rules.PlanEntry.parseMarker(txt);
  }
}
