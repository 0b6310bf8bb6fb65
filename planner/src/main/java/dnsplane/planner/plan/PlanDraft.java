package dnsplane.planner.plan;

import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * PlanDraft is what {@link PlanCalculator} proposes:
 *
 * <ul>
 *   <li>the entries of the next plan, and whether they differ from the previous plan ({@code
 *       changed == false} is the "no change" answer);
 *   <li>the endpoints that fail open (in any family);
 *   <li>the health removals the plan makes, to record for the velocity limit;
 *   <li>how many addresses the velocity limit started to hold back in this plan;
 *   <li>when the window next allows a held removal ({@code nextRelease}), if anything is held;
 *   <li>which entries are equal to the previous plan's entry for the same endpoint ({@code
 *       unchanged}, bit i for entry i): those the next plan may carry over inside the database,
 *       known from the calculation's own comparison instead of a second lookup of 100,000 entries.
 * </ul>
 */
public record PlanDraft(
    List<PlanEntry> entries,
    boolean changed,
    List<String> failOpenEndpoints,
    List<HealthRemoval> removals,
    int newlyHeld,
    Optional<Instant> nextRelease,
    BitSet unchanged) {

  public PlanDraft {
    entries = List.copyOf(entries);
    unchanged = (BitSet) unchanged.clone();
    failOpenEndpoints = List.copyOf(failOpenEndpoints);
    removals = List.copyOf(removals);
  }

  /** Whether entry {@code i} equals the previous plan's entry for its endpoint. */
  public boolean unchanged(int i) {
    return unchanged.get(i);
  }

  /** Addresses held back by the velocity limit in this draft, over all entries. */
  public int heldAddresses() {
    return entries.stream().mapToInt(e -> e.held().size()).sum();
  }
}
