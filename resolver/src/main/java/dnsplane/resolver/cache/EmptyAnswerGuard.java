package dnsplane.resolver.cache;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * EmptyAnswerGuard decides (PURE) whether an empty answer (NXDOMAIN or NODATA) from upstream is
 * believed. This is the fix for the 2025 failure mode where caches kept an empty answer after the
 * records were restored.
 *
 * <pre>
 *  guard | name under a guarded suffix | positive answer within stale-max | seen empty since   | decision
 *  ------+-----------------------------+----------------------------------+-------------------+-------------------
 *  off   | -                           | -                                | -                 | PassThrough
 *  on    | no                          | -                                | -                 | PassThrough
 *  on    | yes                         | no                               | -                 | PassThrough
 *  on    | yes                         | yes                              | never             | Suspect(first)
 *  on    | yes                         | yes                              | &lt; guard-confirm | Suspect
 *  on    | yes                         | yes                              | &gt;= guard-confirm| Confirmed
 * </pre>
 *
 * A positive answer in between clears the suspicion, so "seen empty since" means seen consistently.
 * "Positive answer within stale-max" is known from the cache, or from the {@link GuardMemory} when
 * a flush or an eviction has taken it out of the cache; "empty" includes a CNAME chain that ends
 * without data ({@link ResponseShape}).
 */
public final class EmptyAnswerGuard {
  private EmptyAnswerGuard() {}

  /**
   * The facts the decision rests on; {@code suspectSinceMillis} is null when no empty answer is
   * pending.
   */
  public record Input(
      boolean guardOn,
      boolean guardedName,
      boolean recentPositive,
      Long suspectSinceMillis,
      long nowMillis,
      long confirmMillis) {}

  /** One variant per outcome. */
  public sealed interface Decision permits PassThrough, Suspect, Confirmed {}

  /** Believe the empty answer: cache and serve it. */
  public record PassThrough(String why) implements Decision {}

  /**
   * Keep serving the last positive answer; {@code first} marks the start of a suspicion (logged
   * once).
   */
  public record Suspect(boolean first, long sinceMillis) implements Decision {}

  /**
   * The empty answer has been seen consistently for guard-confirm: a real deletion, let it through.
   */
  public record Confirmed(long sinceMillis) implements Decision {}

  public static Decision decide(Input in) {
    if (!in.guardOn()) {
      return new PassThrough("guard off");
    }
    if (!in.guardedName()) {
      return new PassThrough("name not under a guarded suffix");
    }
    if (!in.recentPositive()) {
      return new PassThrough("no positive answer within stale-max");
    }
    if (in.suspectSinceMillis() == null) {
      return new Suspect(true, in.nowMillis());
    }
    long since = in.suspectSinceMillis();
    return in.nowMillis() - since >= in.confirmMillis()
        ? new Confirmed(since)
        : new Suspect(false, since);
  }

  /** Whether {@code name} is at or below one of {@code suffixes}. */
  public static boolean guarded(Name name, List<Name> suffixes) {
    for (Name s : suffixes) {
      if (name.subdomain(s)) {
        return true;
      }
    }
    return false;
  }

  /** The EDE extra-text served with a kept positive answer. */
  public static String reason(long suspectSinceMillis, long nowMillis) {
    return "empty answer from upstream is suspect (seen for "
        + Math.max(0, (nowMillis - suspectSinceMillis) / 1000)
        + "s); serving last positive answer until confirmed";
  }
}
