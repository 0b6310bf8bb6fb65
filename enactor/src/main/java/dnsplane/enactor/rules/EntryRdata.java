package dnsplane.enactor.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * EntryRdata is what writing a plan entry puts in each of the endpoint's three rrsets, in
 * presentation format. PURE.
 *
 * <pre>
 *  entry     | mode   | A / AAAA                                         | TXT _plan.&lt;endpoint&gt;
 *  ----------+--------+--------------------------------------------------+-----------------------
 *  deletion  | any    | {} / {}                                          | {}
 *  addresses | safe   | canonical addresses of each family, each once    | {"N"}
 *  addresses | legacy | the plan's text, split as 2025 did (':' = AAAA)  | {"N"}
 * </pre>
 *
 * Legacy trusts the plan's spelling, as the 2025 automation did; a malformed address then reaches
 * the database, whose rdata CHECK refuses that entry. Safe never gets here with a malformed
 * address (WriteRule rejects the entry first).
 */
public record EntryRdata(List<String> a, List<String> aaaa, List<String> txt) {

  public EntryRdata {
    a = List.copyOf(a);
    aaaa = List.copyOf(aaaa);
    txt = List.copyOf(txt);
  }

  public static EntryRdata of(Mode mode, PlanEntry e) {
    if (e.deleted()) {
      return new EntryRdata(List.of(), List.of(), List.of());
    }
    List<String> marker = List.of(e.markerRdata());
    if (mode == Mode.SAFE) {
      return new EntryRdata(e.v4(), e.v6(), marker);
    }
    List<String> a = new ArrayList<>();
    List<String> aaaa = new ArrayList<>();
    for (PlanAddress p : e.addresses()) {
      (p.address().indexOf(':') >= 0 ? aaaa : a).add(p.address());
    }
    return new EntryRdata(a, aaaa, marker);
  }
}
