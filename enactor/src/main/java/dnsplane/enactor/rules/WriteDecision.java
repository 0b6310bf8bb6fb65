package dnsplane.enactor.rules;

/** WriteDecision is the answer to "may this enactor write this plan entry to its rrsets now?". */
public sealed interface WriteDecision {

  /** Write the entry; {@code previousGeneration} is what the rrsets held (null: nothing). */
  record Write(PlanEntry entry, Long previousGeneration) implements WriteDecision {}

  /** The rrsets already hold a newer plan: writing would regress them. Normal; count it. */
  record SkipStale(PlanEntry entry, long currentGeneration) implements WriteDecision {}

  /** The rrsets already hold exactly this plan: nothing to do (idempotence). */
  record Unchanged(PlanEntry entry) implements WriteDecision {}

  /** The entry publishes no address at all: writing it would empty the endpoint. */
  record RejectEmpty(PlanEntry entry, Long currentGeneration) implements WriteDecision {}
}
