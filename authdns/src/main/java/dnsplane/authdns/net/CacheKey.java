package dnsplane.authdns.net;

import java.util.Arrays;

/**
 * CacheKey is lower-cased question name, qtype, qclass, size limit and EDNS mode, as bytes. Each
 * event-loop thread fills one reusable probe key per query ({@link #fill}), so a cache hit
 * allocates no key; only an insertion takes an immutable {@link #copy()}.
 */
final class CacheKey {
  private byte[] bytes;
  private int length;
  private int hash;

  CacheKey(int capacity) {
    this.bytes = new byte[capacity];
  }

  /** Makes this key (qname bytes, then 7 bytes of type, class, limit and EDNS mode). */
  CacheKey fill(byte[] qname, int qnameLength, int qtype, int qclass, int limit, int ednsMode) {
    int n = qnameLength + 7;
    if (bytes.length < n) {
      bytes = new byte[n];
    }
    System.arraycopy(qname, 0, bytes, 0, qnameLength);
    int o = qnameLength;
    bytes[o] = (byte) (qtype >>> 8);
    bytes[o + 1] = (byte) qtype;
    bytes[o + 2] = (byte) (qclass >>> 8);
    bytes[o + 3] = (byte) qclass;
    bytes[o + 4] = (byte) (limit >>> 8);
    bytes[o + 5] = (byte) limit;
    bytes[o + 6] = (byte) ednsMode;
    length = n;
    int h = 1;
    for (int i = 0; i < n; i++) {
      h = 31 * h + bytes[i];
    }
    hash = h;
    return this;
  }

  /** How many bytes the key holds. */
  int length() {
    return length;
  }

  /** Copies the key's bytes to the start of {@code out}. */
  void copyTo(byte[] out) {
    System.arraycopy(bytes, 0, out, 0, length);
  }

  /** Whether the first {@code keyLength} bytes of {@code data} are this key's bytes. */
  boolean equalsBytes(byte[] data, int keyLength) {
    return keyLength == length && Arrays.equals(data, 0, keyLength, bytes, 0, length);
  }

  /** An immutable copy, safe to store in the cache. */
  CacheKey copy() {
    CacheKey k = new CacheKey(0);
    k.bytes = Arrays.copyOf(bytes, length);
    k.length = length;
    k.hash = hash;
    return k;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k
        && k.hash == hash
        && Arrays.equals(k.bytes, 0, k.length, bytes, 0, length);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
