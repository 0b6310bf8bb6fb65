package dnsplane.authdns.net;

import dnsplane.authdns.answer.AnswerDependencies;
import dnsplane.authdns.answer.CacheInvalidation;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * AnswerCache keeps rendered answers across snapshot swaps, and turns a cached answer into the
 * reply to one query. The answer is a pure function of (snapshot, query), so an answer stays only
 * while the changes since its snapshot cannot have altered it:
 *
 * <ul>
 *   <li>Before a swap ({@link #beforeSwap}), the answers the changes touch are dropped and only the
 *       next snapshot may add answers from then on. A query still answered from the snapshot before
 *       may read the cache, never add to it: an answer it adds anyway, racing the swap, is taken
 *       out again by the adder itself (add, then check).
 *   <li>A snapshot served without a swap announced (a restored copy, a test) empties the cache when
 *       a query first reads it.
 * </ul>
 */
final class AnswerCache {
  private static final int HEADER = 12;

  /** The snapshot that may add answers, and the one before it, which may still read them. */
  private record Serving(ZoneSet current, ZoneSet previous) {}

  private final SnapshotHolder holder;
  private final ResponseCache cache;
  private volatile Serving serving;

  /** Up to {@code maxEntries} answers and {@code maxBytes} bytes for what {@code holder} serves. */
  AnswerCache(SnapshotHolder holder, int maxEntries, long maxBytes) {
    this.holder = holder;
    this.cache = new ResponseCache(maxEntries, maxBytes);
    this.serving = new Serving(holder.get(), null);
  }

  /**
   * The cached answer to {@code key} for a query answered from {@code zones}, or null. Every call
   * counts as a request for {@code key} in what the cache admits when full.
   */
  ResponseCache.Entry get(ZoneSet zones, CacheKey key) {
    cache.record(key);
    Serving s = serving;
    if (zones == s.current || zones == s.previous) {
      return cache.get(key);
    }
    if (zones == holder.get()) {
      adopt(zones);
    }
    // Else a query that read the snapshot before the last two swaps: answered without the cache.
    return null;
  }

  /** Caches {@code entry}, rendered from {@code zones}, if that snapshot may still add answers. */
  void put(ZoneSet zones, CacheKey key, ResponseCache.Entry entry, AnswerDependencies deps) {
    if (admits(zones)) {
      store(zones, key, entry, deps);
    }
  }

  /** Whether answers rendered from {@code zones} may be added now. */
  boolean admits(ZoneSet zones) {
    return cache.enabled() && serving.current == zones;
  }

  /**
   * Adds an answer {@link #admits admitted} a moment ago under {@code key} (copied), then checks
   * again: a swap that began in between may have dropped this very answer's name already, so the
   * answer is taken out again.
   */
  void store(ZoneSet zones, CacheKey key, ResponseCache.Entry entry, AnswerDependencies deps) {
    store(zones, cache.put(key, entry, deps));
  }

  /** The check after an add ({@code stored}: what the cache kept, or null): see {@link #store}. */
  private void store(ZoneSet zones, ResponseCache.Entry stored) {
    if (stored != null && serving.current != zones) {
      cache.remove(stored);
    }
  }

  /**
   * Called before {@code next} replaces {@code before}: drops what {@code changes} (null: a full
   * load) invalidate and lets {@code next} add answers.
   */
  synchronized void beforeSwap(ZoneSet before, ZoneSet next, List<ZoneChange> changes) {
    Serving s = serving;
    serving = new Serving(null, before);
    if (s.current != before) {
      cache.clear();
    } else {
      cache.invalidate(CacheInvalidation.of(before, changes));
    }
    serving = new Serving(next, before);
  }

  /** Serves {@code zones}, which came without a swap announced: nothing cached can be trusted. */
  private synchronized void adopt(ZoneSet zones) {
    Serving s = serving;
    if (zones == s.current || zones == s.previous) {
      return;
    }
    serving = new Serving(null, null);
    cache.clear();
    serving = new Serving(zones, null);
  }

  /** The answers held now. */
  int size() {
    return cache.size();
  }

  /** The reply to {@code q}, read from {@code in}, stamped from cached answer {@code hit}. */
  static ByteBuf reply(ResponseCache.Entry hit, WireQuery q, ByteBuf in, ByteBufAllocator alloc) {
    byte[] data = hit.data;
    int at = hit.wireOffset();
    int length = hit.wireLength();
    ByteBuf out = alloc.ioBuffer(length).writeBytes(data, at, length);
    out.setShort(0, q.id);
    // RD is copied from this query; the rest of the header is the cached answer's.
    out.setByte(2, (data[at + 2] & ~0x01) | ((q.flags >>> 8) & 0x01));
    // The question in this query's own case (same length: only the case can differ).
    out.setBytes(HEADER, in, in.readerIndex() + HEADER, q.qnameLength);
    return out;
  }
}
