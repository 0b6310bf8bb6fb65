package dnsplane.authdns.xfr;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.xbill.DNS.Name;

/**
 * NotifyScheduler is the timing logic of NOTIFY (RFC 1996 §3.6), with no I/O and no clock of its
 * own: the caller passes "now". There is at most one pending NOTIFY per (zone, secondary): a new
 * serial replaces the pending one, so a burst of changes costs one message. A pending NOTIFY is
 * sent at once, then resent after 1 s, 2 s, 4 s... (capped) until acknowledged or the attempts run
 * out. Not thread-safe: the {@link Notifier} calls it from one thread.
 */
final class NotifyScheduler {

  /** One (zone, secondary) pair. */
  record Key(Name zone, InetSocketAddress target) {}

  /** A NOTIFY to send now, with a fresh message ID. */
  record Send(Key key, long serial, int attempt, int id) {}

  /** What one tick produced: messages to send and pairs given up on. */
  record Tick(List<Send> sends, List<Key> failed) {}

  private record Pending(long serial, int attempts, Instant nextAt, int id) {}

  private final List<InetSocketAddress> targets;
  private final Duration initial;
  private final Duration max;
  private final int maxAttempts;
  private final IntSupplier ids;
  private final Map<Key, Pending> pending = new LinkedHashMap<>();

  NotifyScheduler(
      List<InetSocketAddress> targets,
      Duration initial,
      Duration max,
      int maxAttempts,
      IntSupplier ids) {
    this.targets = List.copyOf(targets);
    this.initial = initial;
    this.max = max;
    this.maxAttempts = maxAttempts;
    this.ids = ids;
  }

  /** Zone {@code zone} now has {@code serial}: every secondary is due a NOTIFY at {@code now}. */
  void changed(Name zone, long serial, Instant now) {
    for (InetSocketAddress t : targets) {
      pending.put(new Key(zone, t), new Pending(serial, 0, now, -1));
    }
  }

  /** The sends due at {@code now}, and the pairs whose attempts ran out. */
  Tick due(Instant now) {
    List<Send> sends = new ArrayList<>();
    List<Key> failed = new ArrayList<>();
    var it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Pending> e = it.next();
      Pending p = e.getValue();
      if (p.nextAt().isAfter(now)) {
        continue;
      }
      if (p.attempts() >= maxAttempts) {
        it.remove();
        failed.add(e.getKey());
        continue;
      }
      int attempt = p.attempts() + 1;
      int id = ids.getAsInt() & 0xFFFF;
      e.setValue(new Pending(p.serial(), attempt, now.plus(backoff(attempt)), id));
      sends.add(new Send(e.getKey(), p.serial(), attempt, id));
    }
    return new Tick(sends, failed);
  }

  /**
   * A response with {@code id} for {@code zone} came from {@code from}; true when it answers the
   * latest NOTIFY sent to that pair, which is then done. Stale or forged responses are ignored.
   */
  boolean answered(Name zone, InetSocketAddress from, int id) {
    Key k = new Key(zone, from);
    Pending p = pending.get(k);
    if (p == null || p.id() != id) {
      return false;
    }
    pending.remove(k);
    return true;
  }

  /**
   * A response with {@code id} and no question came from {@code from}: the pair it answers, if it
   * answers the latest NOTIFY sent to one, which is then done.
   */
  Optional<Key> answered(InetSocketAddress from, int id) {
    for (Map.Entry<Key, Pending> e : pending.entrySet()) {
      if (e.getKey().target().equals(from) && e.getValue().id() == id) {
        pending.remove(e.getKey());
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /** When the next tick has work, if ever. */
  Optional<Instant> nextWake() {
    return pending.values().stream().map(Pending::nextAt).min(Instant::compareTo);
  }

  /** Pairs with a NOTIFY not yet acknowledged. */
  int pendingCount() {
    return pending.size();
  }

  /** The wait after attempt {@code n}: initial × 2^(n-1), at most max. */
  Duration backoff(int n) {
    Duration d = initial.multipliedBy(1L << Math.min(n - 1, 20));
    return d.compareTo(max) > 0 ? max : d;
  }
}
