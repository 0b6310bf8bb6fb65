package dnsplane.enactor.rules;

import java.util.Objects;

/**
 * WriteRule decides whether an enactor may write a plan entry over an endpoint's current rrsets.
 * The SQL compare-and-set enforces the same rule again at write time (a lost race is normal).
 *
 * <pre>
 *  mode   | offered addresses | current generation        | decision
 *  -------+-------------------+---------------------------+--------------------------------
 *  safe   | none              | any                       | RejectEmpty
 *  safe   | some              | null (never written)      | Write
 *  safe   | some              | current &lt; offered      | Write
 *  safe   | some              | current == offered        | Unchanged
 *  safe   | some              | current &gt; offered      | SkipStale
 *  legacy | any (even none)   | any                       | Write (unconditional, as in 2025)
 * </pre>
 */
public final class WriteRule {

  private WriteRule() {}

  public static WriteDecision decide(Mode mode, RrsetState current, PlanEntry offered) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(offered, "offered");
    Long held = current.appliedGeneration();
    if (mode == Mode.LEGACY) {
      return new WriteDecision.Write(offered, held);
    }
    if (offered.addresses().isEmpty()) {
      return new WriteDecision.RejectEmpty(offered, held);
    }
    if (held == null || held < offered.generation()) {
      return new WriteDecision.Write(offered, held);
    }
    if (held == offered.generation()) {
      return new WriteDecision.Unchanged(offered);
    }
    return new WriteDecision.SkipStale(offered, held);
  }
}
