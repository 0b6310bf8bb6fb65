package dnsplane.enactor.rules;

import java.util.List;
import java.util.Set;

/** WriteDecision is the answer to "may this enactor write this plan entry to its rrsets now?". */
public sealed interface WriteDecision {

  /**
   * Write the entry; {@code previousGeneration} is what the rrsets held (null: nothing). For a
   * deletion entry the write unpublishes the endpoint (empty A, AAAA and marker).
   */
  record Write(PlanEntry entry, Long previousGeneration) implements WriteDecision {}

  /** The rrsets already hold a newer plan: writing would regress them. Normal; count it. */
  record SkipStale(PlanEntry entry, long currentGeneration) implements WriteDecision {}

  /** The rrsets already hold exactly this plan: nothing to do (idempotence). */
  record Unchanged(PlanEntry entry) implements WriteDecision {}

  /** The entry publishes no address at all: writing it would empty the endpoint. */
  record RejectEmpty(PlanEntry entry, Long currentGeneration) implements WriteDecision {}

  /**
   * Writing the entry would leave {@code families} with no address although the endpoint has
   * targets of them (or, for a deletion entry, unpublish an endpoint that is neither deleted nor
   * without targets).
   */
  record RejectEmptyFamily(PlanEntry entry, Long currentGeneration, Set<AddressFamily> families)
      implements WriteDecision {
    public RejectEmptyFamily {
      families = Set.copyOf(families);
    }

    /** The rrset types, in A, AAAA order, for audit text. */
    public List<String> rrtypes() {
      return java.util.Arrays.stream(AddressFamily.values())
          .filter(families::contains)
          .map(AddressFamily::rrtype)
          .toList();
    }
  }

  /** Some of the entry's addresses are not valid addresses: the entry is refused whole. */
  record RejectInvalid(PlanEntry entry, Long currentGeneration, List<PlanAddress> malformed)
      implements WriteDecision {
    public RejectInvalid {
      malformed = List.copyOf(malformed);
    }
  }
}
