package dnsplane.authdns.rrl;

import dnsplane.db.net.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * RateLimiter decides, for one UDP response about to be sent, whether to send it, drop it or send a
 * truncated reply instead (response rate limiting, as in NSD and Knot). It is pure: time comes in
 * as {@code nowNanos}, so tests drive it with a fake clock.
 *
 * <p>Each bucket is keyed by (client prefix, {@link ResponseClass}, name hash) and holds a token
 * bucket in GCRA form: one "theoretical arrival time" (TAT). A response conforms when TAT is at
 * most one second ahead of now; it then moves TAT on by 1/rate s. So a client may burst {@code
 * rate} responses and then sustain {@code rate} per second, with no per-second boundary to game
 * (NSD's counters reset each second).
 *
 * <p>Memory is fixed: buckets live in one preallocated array, so a flood of spoofed sources evicts
 * buckets instead of growing the table. Each key may sit in either of two adjacent slots (one cache
 * line); a new key replaces the emptier one, the slot whose TAT is older, which keeps a bucket that
 * is being limited (TAT far ahead) over one-off junk. Updates are lock-free: a CAS on TAT; a key
 * overwrite racing with another thread is a benign miscount, as in NSD's unlocked table.
 *
 * @implNote the slot layout is {@code [key, tat, limited, spare]} longs, 32 bytes, two slots per
 *     64-byte line.
 */
public final class RateLimiter {
  private static final int STRIDE = 4;
  private static final long SECOND = 1_000_000_000L;
  private static final long V6_SALT = 0x9E3779B97F4A7C15L;

  private final RrlConfig config;
  private final AtomicLongArray table;
  private final int pairMask;
  private final long interval;
  private final long tolerance;
  private final long seed;
  private final int v4Mask;
  private final long v6Mask;
  private final int[] v4Networks;
  private final int[] v4Masks;
  private final Cidr[] v6Whitelist;

  /** A limiter for {@code config}, which must be enabled; the hash seed is random. */
  public RateLimiter(RrlConfig config) {
    this(config, new SecureRandom().nextLong());
  }

  /**
   * A limiter with a fixed hash seed (tests). A random seed keeps an attacker from computing source
   * addresses that collide with a victim's bucket.
   */
  public RateLimiter(RrlConfig config, long seed) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("rate limiting is off (rate 0)");
    }
    this.config = config;
    // Rounded up to a power of two so that a mask picks the pair.
    int pairs = Integer.highestOneBit(config.tableSize() - 1);
    this.table = new AtomicLongArray(pairs * 2 * STRIDE);
    this.pairMask = pairs - 1;
    this.interval = Math.max(1, SECOND / config.rate());
    this.tolerance = SECOND - interval;
    this.seed = seed;
    this.v4Mask = -1 << (32 - config.ipv4PrefixLength());
    this.v6Mask = config.ipv6PrefixLength() == 64 ? -1L : ~(-1L >>> config.ipv6PrefixLength());
    int v4 = (int) config.whitelist().stream().filter(Cidr::isV4).count();
    v4Networks = new int[v4];
    v4Masks = new int[v4];
    int i = 0;
    for (Cidr c : config.whitelist()) {
      if (c.isV4()) {
        v4Networks[i] = c.v4Network();
        v4Masks[i++] = c.prefixLength() == 0 ? 0 : -1 << (32 - c.prefixLength());
      }
    }
    v6Whitelist = config.whitelist().stream().filter(c -> !c.isV4()).toArray(Cidr[]::new);
  }

  /** The settings in force. */
  public RrlConfig config() {
    return config;
  }

  /** Buckets in the table. */
  public int buckets() {
    return table.length() / STRIDE;
  }

  /**
   * The verdict for a response of class {@code cls}, keyed by {@code nameHash}, to {@code client}
   * at {@code nowNanos} (any monotonic nanosecond clock).
   */
  public Verdict decide(InetAddress client, ResponseClass cls, int nameHash, long nowNanos) {
    if (client instanceof Inet4Address) {
      // Inet4Address.hashCode() is the address itself (OpenJDK, stable since 1.0); unlike
      // getAddress() it does not allocate. RateLimiterTest pins this down.
      int a = client.hashCode();
      for (int i = 0; i < v4Networks.length; i++) {
        if ((a & v4Masks[i]) == v4Networks[i]) {
          return Verdict.ANSWER;
        }
      }
      return decide((a & v4Mask) & 0xFFFFFFFFL, cls, nameHash, nowNanos);
    }
    byte[] b = client.getAddress();
    for (Cidr c : v6Whitelist) {
      if (c.contains(b)) {
        return Verdict.ANSWER;
      }
    }
    long hi = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[i] & 0xFF);
    }
    return decide((hi & v6Mask) ^ V6_SALT, cls, nameHash, nowNanos);
  }

  /**
   * The verdict for a client already reduced to its prefix key (IPv4: the masked address; IPv6: the
   * masked upper 64 bits, salted so that it cannot equal an IPv4 key by accident).
   */
  public Verdict decide(long prefix, ResponseClass cls, int nameHash, long nowNanos) {
    long key = mix(mix(prefix ^ seed) ^ (((long) cls.ordinal() << 32) | (nameHash & 0xFFFFFFFFL)));
    if (key == 0) {
      key = 1; // 0 marks an empty slot
    }
    int a = ((int) (key >>> 32) & pairMask) * 2 * STRIDE;
    int b = a + STRIDE;
    int slot;
    if (table.getOpaque(a) == key) {
      slot = a;
    } else if (table.getOpaque(b) == key) {
      slot = b;
    } else {
      claim(a, b, key, nowNanos);
      return Verdict.ANSWER;
    }
    while (true) {
      long tat = table.getOpaque(slot + 1);
      long start = tat - nowNanos > 0 ? tat : nowNanos;
      if (start - nowNanos > tolerance) {
        long n = table.incrementAndGet(slot + 2);
        int slip = config.slip();
        if (slip == 0) {
          return Verdict.DROP;
        }
        return n % slip == 0 ? Verdict.SLIP : Verdict.DROP;
      }
      if (table.weakCompareAndSetVolatile(slot + 1, tat, start + interval)) {
        return Verdict.ANSWER;
      }
    }
  }

  private void claim(int a, int b, long key, long now) {
    long keyA = table.getOpaque(a);
    long keyB = table.getOpaque(b);
    int slot;
    if (keyA == 0) {
      slot = a;
    } else if (keyB == 0) {
      slot = b;
    } else {
      slot = table.getOpaque(a + 1) - table.getOpaque(b + 1) <= 0 ? a : b;
    }
    table.setOpaque(slot + 1, now + interval);
    table.setOpaque(slot + 2, 0);
    table.setRelease(slot, key);
  }

  /**
   * Counts buckets at {@code nowNanos}: {@code [0]} those in use (their TAT is ahead of now: they
   * answered within the last second), {@code [1]} those being limited. A scan of the table, for
   * metrics scrapes, not the query path.
   */
  public long[] census(long nowNanos) {
    long used = 0;
    long limiting = 0;
    for (int s = 0; s < table.length(); s += STRIDE) {
      if (table.getOpaque(s) == 0) {
        continue;
      }
      long ahead = table.getOpaque(s + 1) - nowNanos;
      if (ahead > 0) {
        used++;
        if (ahead > tolerance) {
          limiting++;
        }
      }
    }
    return new long[] {used, limiting};
  }

  // The 64-bit finaliser of MurmurHash3: every input bit affects every output bit.
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
