package dnsplane.resolver.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Coalescer keeps at most one upstream resolution in flight per key: concurrent callers for the
 * same key share the first caller's future (counted), and the key is released when that future
 * completes. At most {@code maxPending} keys are in flight at once; a caller for a new key beyond
 * that gets a future failed with {@link Overloaded} (counted) at once, so a flood of distinct
 * misses cannot queue unbounded work behind a slow upstream. Joining a key already in flight never
 * counts against the bound.
 */
public final class Coalescer<K, V> {
  /**
   * The failure of a resolution that was never started because {@code maxPending} were in flight.
   */
  public static final class Overloaded extends RuntimeException {
    Overloaded() {
      super("too many upstream resolutions outstanding", null, false, false);
    }
  }

  // one shared instance: no stack trace to fill, and a flood must not allocate per rejection
  private static final Overloaded OVERLOADED = new Overloaded();

  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final int maxPending;
  private final LongAdder joined;
  private final LongAdder overloaded;

  public Coalescer(LongAdder joined) {
    this(joined, Integer.MAX_VALUE, new LongAdder());
  }

  public Coalescer(LongAdder joined, int maxPending, LongAdder overloaded) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
    }
    this.joined = joined;
    this.maxPending = maxPending;
    this.overloaded = overloaded;
  }

  /**
   * Runs {@code start} unless a resolution for {@code key} is already in flight, in which case
   * joins it; fails with {@link Overloaded} when {@code maxPending} other keys are in flight.
   */
  public CompletableFuture<V> run(K key, Supplier<CompletableFuture<V>> start) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      joined.increment();
      return existing;
    }
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      inFlight.remove(key, mine);
      overloaded.increment();
      // anyone who joined in the instant between put and remove shares the refusal
      mine.completeExceptionally(OVERLOADED);
      return mine;
    }
    CompletableFuture<V> work;
    try {
      work = start.get();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete(
        (v, ex) -> {
          inFlight.remove(key, mine);
          pending.decrementAndGet();
          if (ex != null) {
            mine.completeExceptionally(ex);
          } else {
            mine.complete(v);
          }
        });
    return mine;
  }

  /** Keys whose resolution is in flight now. */
  public int inFlight() {
    return pending.get();
  }

  /** Whether {@code ex} (as a future hands it over, maybe wrapped) is the overload refusal. */
  public static boolean isOverload(Throwable ex) {
    return ex instanceof Overloaded || ex != null && ex.getCause() instanceof Overloaded;
  }
}
