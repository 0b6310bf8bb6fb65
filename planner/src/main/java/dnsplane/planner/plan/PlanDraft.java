package dnsplane.planner.plan;

import java.util.List;

/**
 * PlanDraft is what {@link PlanCalculator} proposes: the entries of the next plan, whether they
 * differ from the previous plan ({@code changed == false} is the "no change" answer), the endpoints
 * that fail open, and how many health-driven removals the velocity limit deferred.
 */
public record PlanDraft(
    List<PlanEntry> entries, boolean changed, List<String> failOpenEndpoints, int deferredRemovals) {

  public PlanDraft {
    entries = List.copyOf(entries);
    failOpenEndpoints = List.copyOf(failOpenEndpoints);
  }
}
