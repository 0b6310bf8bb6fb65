package dnsplane.enactor.rules;

import java.util.List;

/** Plan is one immutable plan: its generation and an entry per endpoint, sorted by endpoint. */
public record Plan(long generation, List<PlanEntry> entries) {
  public Plan {
    entries = List.copyOf(entries);
    for (PlanEntry e : entries) {
      if (e.generation() != generation) {
        throw new IllegalArgumentException(
            "entry for "
                + e.endpoint()
                + " has generation "
                + e.generation()
                + ", plan "
                + generation);
      }
    }
  }
}
