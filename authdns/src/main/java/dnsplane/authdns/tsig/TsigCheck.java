package dnsplane.authdns.tsig;

import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

/**
 * TsigCheck is what verifying a request's TSIG found (RFC 8945 §5.2): no TSIG at all, a TSIG that
 * verifies with one of our keys, or one that does not (and the TSIG error to answer with).
 */
public sealed interface TsigCheck {

  /**
   * The label used on metrics and in logs: unsigned, verified, badkey, badsig, badtime, formerr.
   */
  String label();

  /** The request carries no TSIG. */
  record Unsigned() implements TsigCheck {
    @Override
    public String label() {
      return "unsigned";
    }
  }

  /** The request's TSIG verifies with {@code key}; {@code request} is needed to sign the answer. */
  record Verified(TsigKey key, TSIGRecord request) implements TsigCheck {
    @Override
    public String label() {
      return "verified";
    }
  }

  /**
   * The request's TSIG does not verify: {@code error} is BADKEY, BADSIG or BADTIME (answered
   * NOTAUTH with that TSIG error), or FORMERR for a TSIG that is not the last record (answered
   * FORMERR).
   */
  record Failed(int error, TSIGRecord request) implements TsigCheck {
    @Override
    public String label() {
      return Rcode.TSIGstring(error).toLowerCase(java.util.Locale.ROOT);
    }
  }

  TsigCheck UNSIGNED = new Unsigned();
}
