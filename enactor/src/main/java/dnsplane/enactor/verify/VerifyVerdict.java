package dnsplane.enactor.verify;

/**
 * VerifyVerdict judges what authdns answered for an endpoint after this enactor wrote generation
 * {@code written} to it. PURE.
 *
 * <pre>
 *  rcode      | addresses | _plan TXT generation  | verdict
 *  -----------+-----------+-----------------------+---------------------------------------
 *  not NOERROR| any       | any                   | Failed (the name must exist)
 *  NOERROR    | 0         | any                   | Empty   (alarm: the 2025 symptom)
 *  NOERROR    | &gt; 0    | missing               | Older   (alarm once the deadline passes)
 *  NOERROR    | &gt; 0    | &lt; written        | Older   (authdns may still be catching up)
 *  NOERROR    | &gt; 0    | &gt;= written       | Ok      (a newer plan is fine)
 * </pre>
 */
public sealed interface VerifyVerdict {

  /** Whether this verdict is an alarm (anything but Ok). */
  default boolean alarm() {
    return !(this instanceof Ok);
  }

  /** authdns serves this plan or a newer one, with addresses. */
  record Ok(long served) implements VerifyVerdict {}

  /** authdns answers with no address at all. */
  record Empty(Long served) implements VerifyVerdict {}

  /** authdns serves an older generation (or no marker) than was written. */
  record Older(Long served, long written) implements VerifyVerdict {}

  /** The query failed or the rcode was not NOERROR. */
  record Failed(String why) implements VerifyVerdict {}

  /** Judges one observation; {@code rcode} is the DNS rcode, -1 when no answer came back. */
  static VerifyVerdict judge(long written, int rcode, int addressCount, Long servedGeneration) {
    if (rcode != 0) {
      return new Failed(rcode < 0 ? "no answer from authdns" : "rcode " + rcode);
    }
    if (addressCount == 0) {
      return new Empty(servedGeneration);
    }
    if (servedGeneration == null || servedGeneration < written) {
      return new Older(servedGeneration, written);
    }
    return new Ok(servedGeneration);
  }

  /** Parses a TXT string such as {@code 12} into a generation; null when it is not one. */
  static Long parseGeneration(String txt) {
    if (txt == null) {
      return null;
    }
    String t = txt.strip();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
