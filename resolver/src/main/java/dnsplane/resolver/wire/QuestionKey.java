package dnsplane.resolver.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * QuestionKey is the cache key: the question's owner name in wire form folded to lower case,
 * followed by QTYPE and QCLASS. Building it from the raw query bytes keeps the hit path free of
 * dnsjava parsing.
 */
public final class QuestionKey {
  private final byte[] bytes;
  private final int hash;

  QuestionKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** Builds a key from a wire-form name (uncompressed, any case) and the type and class. */
  public static QuestionKey of(byte[] wireName, int qtype, int qclass) {
    return of(wireName, 0, wireName.length, qtype, qclass);
  }

  /**
   * Like {@link #of(byte[], int, int)} for the name at {@code [off, off + n)} of {@code src}: read
   * straight from a query, with no copy of the name on the hit path.
   */
  static QuestionKey of(byte[] src, int off, int n, int qtype, int qclass) {
    byte[] b = new byte[n + 4];
    for (int i = 0; i < n; i++) {
      b[i] = lower(src[off + i]);
    }
    b[n] = (byte) (qtype >>> 8);
    b[n + 1] = (byte) qtype;
    b[n + 2] = (byte) (qclass >>> 8);
    b[n + 3] = (byte) qclass;
    return new QuestionKey(b);
  }

  static byte lower(byte c) {
    return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
  }

  /** The wire-form owner name, lower case. */
  public byte[] wireName() {
    return Arrays.copyOf(bytes, bytes.length - 4);
  }

  public int qtype() {
    return ((bytes[bytes.length - 4] & 0xff) << 8) | (bytes[bytes.length - 3] & 0xff);
  }

  public int qclass() {
    return ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
  }

  /**
   * The presentation form of the name, e.g. {@code www.aws.test.}; labels are printed as raw ASCII.
   */
  public String name() {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < bytes.length - 4 && bytes[i] != 0) {
      int len = bytes[i] & 0xff;
      sb.append(new String(bytes, i + 1, len, StandardCharsets.ISO_8859_1)).append('.');
      i += len + 1;
    }
    return sb.length() == 0 ? "." : sb.toString();
  }

  /** Approximate heap size, used by the cache weigher. */
  public int size() {
    return bytes.length + 32;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuestionKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name() + "/" + qtype();
  }
}
