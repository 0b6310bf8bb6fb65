package dnsplane.enactor.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * LegacyRule holds the two 2025 behaviours beyond the unconditional write: the plan is checked
 * once, at the start, against the last plan this enactor applied (never again while it writes,
 * however long it is delayed); and an endpoint pointing at a deleted plan is an inconsistent state
 * the legacy enactor refuses to act on (it diffs against a live plan that no longer exists) until
 * an operator runs repair.
 *
 * <pre>
 *  endpoints pointing at deleted plans | newest vs last applied by me | decision
 *  ------------------------------------+------------------------------+-----------------
 *  some                                | any                          | Stuck
 *  none                                | newest &gt; last (or none)  | Apply(newest)
 *  none                                | newest &lt;= last           | UpToDate
 * </pre>
 */
public final class LegacyRule {

  private LegacyRule() {}

  /** What a legacy enactor does when it wakes. */
  public sealed interface Start {
    /** Apply plan {@code generation} to every endpoint, unconditionally. */
    record Apply(long generation) implements Start {}

    /** Nothing newer than what this enactor last applied. */
    record UpToDate(Long lastApplied) implements Start {}

    /** Refuse to act: {@code endpoints} point at deleted plans; only repair gets out of it. */
    record Stuck(List<String> endpoints) implements Start {
      public Stuck {
        endpoints = List.copyOf(endpoints);
      }

      /** The reason shown in status, naming the first endpoint and its missing plan. */
      public String reason(Map<String, Long> applied) {
        String first = endpoints.get(0);
        String more = endpoints.size() > 1 ? " (and " + (endpoints.size() - 1) + " more)" : "";
        return "endpoint "
            + first
            + " points at deleted plan "
            + applied.get(first)
            + more
            + "; run repair";
      }
    }
  }

  /** The check-once-at-start rule together with the stuck rule. */
  public static Start start(
      Long newest, Long lastApplied, Map<String, Long> appliedByEndpoint, Set<Long> existingPlans) {
    List<String> stuck = pointingAtDeletedPlans(appliedByEndpoint, existingPlans);
    if (!stuck.isEmpty()) {
      return new Start.Stuck(stuck);
    }
    if (newest == null || (lastApplied != null && newest <= lastApplied)) {
      return new Start.UpToDate(lastApplied);
    }
    return new Start.Apply(newest);
  }

  /** Endpoints whose applied generation is set but is not an existing plan, sorted by name. */
  public static List<String> pointingAtDeletedPlans(
      Map<String, Long> appliedByEndpoint, Set<Long> existingPlans) {
    return new TreeMap<>(appliedByEndpoint)
        .entrySet().stream()
            .filter(e -> e.getValue() != null && !existingPlans.contains(e.getValue()))
            .map(Map.Entry::getKey)
            .toList();
  }
}
