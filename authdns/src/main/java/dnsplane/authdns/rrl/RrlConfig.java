package dnsplane.authdns.rrl;

import dnsplane.db.net.Cidr;
import java.util.List;
import java.util.Objects;

/**
 * RrlConfig are the response-rate-limiting settings (NSD's rrl-*, Knot's rate-limit).
 *
 * @param rate responses per second allowed per (client prefix, response class, name); 0 turns rate
 *     limiting off
 * @param slip every slip-th limited response is sent truncated (TC=1) instead of dropped; 0 drops
 *     all, 1 truncates all
 * @param ipv4PrefixLength clients are grouped by this many leading bits of an IPv4 address
 * @param ipv6PrefixLength and of an IPv6 address (at most 64)
 * @param whitelist networks never limited
 * @param tableSize buckets in the fixed-size table (rounded up to a power of two)
 */
public record RrlConfig(
    int rate,
    int slip,
    int ipv4PrefixLength,
    int ipv6PrefixLength,
    List<Cidr> whitelist,
    int tableSize) {
  /** NSD's default slip: half the limited responses go out truncated. */
  public static final int DEFAULT_SLIP = 2;

  public static final int DEFAULT_IPV4_PREFIX = 24;
  public static final int DEFAULT_IPV6_PREFIX = 56;
  // 2^18 buckets, 8 MiB, allocated only when on: near Knot's default (393,241) and enough that
  // ordinary clients rarely share a bucket.
  public static final int DEFAULT_TABLE_SIZE = 1 << 18;

  /** Rate limiting off: every response is sent. */
  public static final RrlConfig OFF =
      new RrlConfig(
          0, DEFAULT_SLIP, DEFAULT_IPV4_PREFIX, DEFAULT_IPV6_PREFIX, List.of(), DEFAULT_TABLE_SIZE);

  public RrlConfig {
    if (rate < 0 || rate > 1_000_000_000) {
      throw new IllegalArgumentException("rate must be in 0..1000000000, got " + rate);
    }
    if (slip < 0 || slip > 100) {
      throw new IllegalArgumentException("slip must be in 0..100, got " + slip);
    }
    if (ipv4PrefixLength < 1 || ipv4PrefixLength > 32) {
      throw new IllegalArgumentException("IPv4 prefix length must be in 1..32");
    }
    // One long holds the prefix: enough for NSD's /56 default and Knot's /56.
    if (ipv6PrefixLength < 1 || ipv6PrefixLength > 64) {
      throw new IllegalArgumentException("IPv6 prefix length must be in 1..64");
    }
    if (tableSize < 2 || tableSize > 1 << 26) {
      throw new IllegalArgumentException("table size must be in 2..67108864");
    }
    whitelist = List.copyOf(Objects.requireNonNull(whitelist, "whitelist"));
  }

  /** True when responses are limited. */
  public boolean enabled() {
    return rate > 0;
  }

  /** These settings with {@code perSecond} responses per second (0: off). */
  public RrlConfig withRate(int perSecond) {
    return new RrlConfig(perSecond, slip, ipv4PrefixLength, ipv6PrefixLength, whitelist, tableSize);
  }

  /** These settings with slip ratio {@code n}. */
  public RrlConfig withSlip(int n) {
    return new RrlConfig(rate, n, ipv4PrefixLength, ipv6PrefixLength, whitelist, tableSize);
  }

  /** These settings with {@code networks} exempt. */
  public RrlConfig withWhitelist(List<Cidr> networks) {
    return new RrlConfig(rate, slip, ipv4PrefixLength, ipv6PrefixLength, networks, tableSize);
  }

  /** These settings with clients grouped by {@code v4} and {@code v6} leading bits. */
  public RrlConfig withPrefixLengths(int v4, int v6) {
    return new RrlConfig(rate, slip, v4, v6, whitelist, tableSize);
  }

  /** These settings with a table of {@code n} buckets. */
  public RrlConfig withTableSize(int n) {
    return new RrlConfig(rate, slip, ipv4PrefixLength, ipv6PrefixLength, whitelist, n);
  }
}
