package dnsplane.enactor.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * CleanupRule decides which plans cleanup may delete, and (legacy only) which endpoints it then
 * clears because they point at a plan that no longer exists.
 *
 * <pre>
 *  mode   | plan among newest K | referenced by an rrset | decision
 *  -------+---------------------+------------------------+----------------------------------
 *  any    | yes                 | any                    | keep
 *  safe   | no                  | yes                    | keep (reference-safe)
 *  safe   | no                  | no                     | delete
 *  legacy | no                  | any                    | delete, then clear every rrset
 *         |                     |                        | still pointing at a deleted plan
 * </pre>
 *
 * <p>"Referenced" here is a snapshot, which cannot see a safe write still in flight. Safe cleanup
 * therefore locks the plans this rule lets it delete (waiting for such writes) and checks
 * references again in its DELETE; see {@code store.PlanLocks}.
 */
public final class CleanupRule {

  private CleanupRule() {}

  /** The generations cleanup may delete, ascending. {@code keep} must be at least 1. */
  public static List<Long> deletablePlans(
      Mode mode, Collection<Long> plans, int keep, Set<Long> referencedGenerations) {
    Objects.requireNonNull(mode, "mode");
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    TreeSet<Long> sorted = new TreeSet<>(plans);
    List<Long> out = new ArrayList<>();
    int toDrop = sorted.size() - keep;
    for (Long g : sorted) {
      if (toDrop-- <= 0) {
        break;
      }
      if (mode == Mode.SAFE && referencedGenerations.contains(g)) {
        continue;
      }
      out.add(g);
    }
    return out;
  }

  /**
   * Legacy's second cleanup step: the endpoints whose applied generation is no longer a plan,
   * sorted. Safe mode never clears (an empty list): an rrset is only ever replaced by a newer plan.
   */
  public static List<String> endpointsToClear(
      Mode mode, Map<String, Long> appliedByEndpoint, Set<Long> existingPlans) {
    if (mode == Mode.SAFE) {
      return List.of();
    }
    return LegacyRule.pointingAtDeletedPlans(appliedByEndpoint, existingPlans);
  }
}
