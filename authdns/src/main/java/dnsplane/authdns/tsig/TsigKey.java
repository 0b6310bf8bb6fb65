package dnsplane.authdns.tsig;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * TsigKey is one shared secret (RFC 8945): a key name, an HMAC algorithm and the secret bytes. Its
 * {@link #toString()} never shows the secret, so a key can be logged or put in an exception.
 *
 * @param name the key name, as the peer's configuration spells it (compared case-insensitively)
 * @param algorithm the algorithm name, one of {@link #ALGORITHMS}' values
 * @param secret the decoded secret
 */
public record TsigKey(Name name, Name algorithm, byte[] secret) {

  /**
   * The algorithms accepted, by the names NSD, BIND and dig use. HMAC-MD5 is left out: RFC 8945 §6
   * says not to use it, and NSD/BIND keys made today are SHA-2.
   */
  public static final Map<String, Name> ALGORITHMS =
      Map.of(
          "hmac-sha1", TSIG.HMAC_SHA1,
          "hmac-sha224", TSIG.HMAC_SHA224,
          "hmac-sha256", TSIG.HMAC_SHA256,
          "hmac-sha384", TSIG.HMAC_SHA384,
          "hmac-sha512", TSIG.HMAC_SHA512);

  public TsigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    if (!ALGORITHMS.containsValue(algorithm)) {
      throw new IllegalArgumentException("unsupported TSIG algorithm " + algorithm);
    }
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("empty TSIG secret for key " + name);
    }
    secret = secret.clone();
  }

  /** The dnsjava signer/verifier for this key, with {@code clock} for time signed and checked. */
  public TSIG tsig(Clock clock) {
    return new TSIG(
        algorithm, name, new SecretKeySpec(secret, TSIG.nameToAlgorithm(algorithm)), clock);
  }

  /**
   * An upper bound on the wire size of a TSIG record made with this key: the room a response must
   * leave for it. Owner and algorithm names uncompressed, type/class/TTL/rdlength, time (6), fudge,
   * MAC size, a MAC of up to 64 octets (SHA-512), original ID, error, other length, other (6 for
   * BADTIME).
   */
  public int maxRecordLength() {
    return name.length() + 10 + algorithm.length() + 6 + 2 + 2 + 64 + 2 + 2 + 2 + 6;
  }

  @Override
  public String toString() {
    return "TsigKey[" + name + " " + algorithm + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TsigKey k
        && k.name.equals(name)
        && k.algorithm.equals(algorithm)
        && java.util.Arrays.equals(k.secret, secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, algorithm, java.util.Arrays.hashCode(secret));
  }
}
