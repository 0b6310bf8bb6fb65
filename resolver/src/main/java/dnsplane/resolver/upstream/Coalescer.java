package dnsplane.resolver.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Coalescer keeps at most one upstream resolution in flight per key: concurrent callers for the same key share the
 * first caller's future (counted), and the key is released when that future completes.
 */
public final class Coalescer<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
  private final LongAdder joined;

  public Coalescer(LongAdder joined) {
    this.joined = joined;
  }

  /** Runs {@code start} unless a resolution for {@code key} is already in flight, in which case joins it. */
  public CompletableFuture<V> run(K key, Supplier<CompletableFuture<V>> start) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      joined.increment();
      return existing;
    }
    CompletableFuture<V> work;
    try {
      work = start.get();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete((v, ex) -> {
          inFlight.remove(key, mine);
          if (ex != null) {
            mine.completeExceptionally(ex);
          } else {
            mine.complete(v);
          }
        });
    return mine;
  }

  public int inFlight() {
    return inFlight.size();
  }
}
