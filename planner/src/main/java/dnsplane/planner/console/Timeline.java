package dnsplane.planner.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Timeline keeps, per endpoint, the samples of the last {@code history}, oldest first, at most
 * {@code maxSamples} each. Safe for one writer and any number of readers: every method holds the
 * one lock, and readers get copies. PURE.
 */
public final class Timeline {

  /** What a server answered at one sample: status, address count, served stale. */
  public record Point(String status, int count, boolean stale, String error) {

    static Point of(DnsAnswer a) {
      return new Point(a.status(), a.count(), a.stale(), a.error());
    }
  }

  /**
   * One sample of one endpoint.
   *
   * @param t when it was taken (ISO-8601)
   * @param plan the newest plan's generation, null before the first plan
   * @param applied the generation each enactor last applied to the endpoint, by az
   * @param rrsetGeneration the generation the endpoint's rrsets hold, null if none
   * @param answers what each server answered, by server name
   */
  public record Sample(
      String t,
      Long plan,
      Map<String, Long> applied,
      Long rrsetGeneration,
      Map<String, Point> answers) {

    public Sample {
      applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
      answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
    }
  }

  private final Duration history;
  private final int maxSamples;
  private final Map<String, Deque<Entry>> rings = new HashMap<>();

  private record Entry(Instant at, Sample sample) {}

  public Timeline(Duration history, int maxSamples) {
    if (history.isNegative() || history.isZero() || maxSamples < 1) {
      throw new IllegalArgumentException("history and maxSamples must be positive");
    }
    this.history = history;
    this.maxSamples = maxSamples;
  }

  /** Adds {@code sample} taken at {@code at}; drops what is older than the history, or too many. */
  public synchronized void add(String endpoint, Instant at, Sample sample) {
    Deque<Entry> ring = rings.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
    ring.addLast(new Entry(at, sample));
    while (ring.size() > maxSamples) {
      ring.removeFirst();
    }
    evict(ring, at);
  }

  /** Drops every sample older than the history before {@code now}, and endpoints left with none. */
  public synchronized void evict(Instant now) {
    rings.values().removeIf(ring -> evict(ring, now));
  }

  /** The samples of {@code endpoint} taken at or after {@code from}, oldest first. */
  public synchronized List<Sample> since(String endpoint, Instant from) {
    Deque<Entry> ring = rings.get(endpoint);
    List<Sample> out = new ArrayList<>();
    if (ring == null) {
      return out;
    }
    for (Entry e : ring) {
      if (!e.at().isBefore(from)) {
        out.add(e.sample());
      }
    }
    return out;
  }

  /** How many endpoints have samples. */
  public synchronized int endpoints() {
    return rings.size();
  }

  /** True when the ring is left empty. */
  private boolean evict(Deque<Entry> ring, Instant now) {
    Instant oldest = now.minus(history);
    while (!ring.isEmpty() && ring.peekFirst().at().isBefore(oldest)) {
      ring.removeFirst();
    }
    return ring.isEmpty();
  }
}
