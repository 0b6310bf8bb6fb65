package dnsplane.authdns.net;

import java.util.Arrays;

/** CacheKey is lower-cased question name, qtype, qclass, size limit and EDNS mode, as bytes. */
final class CacheKey {
  private final byte[] bytes;
  private final int hash;

  CacheKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
