package dnsplane.enactor.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * EntryRdata is what writing a plan entry puts in each of the endpoint's three rrsets, in
 * presentation format, given what they publish now. PURE.
 *
 * <pre>
 *  entry     | mode   | A / AAAA
 *  ----------+--------+--------------------------------------------------
 *  deletion  | any    | {} / {}
 *  addresses | safe   | canonical addresses of each family, each once
 *  addresses | legacy | the plan's text, split as 2025 did (':' = AAAA)
 *
 *  TXT _plan.&lt;endpoint&gt; (N = the entry's generation; "same" = the A and AAAA rows exist
 *  and already hold exactly these rdata and the entry's TTL):
 *  entry     | A / AAAA now | _plan now                                  | _plan written
 *  ----------+--------------+--------------------------------------------+--------------
 *  deletion  | any          | any                                        | {}
 *  addresses | same         | "M" with M &lt;= N, and the entry's TTL   | "M"  (kept)
 *  addresses | same         | missing, empty, unreadable, M &gt; N, TTL  | "N"
 *  addresses | not same     | any                                        | "N"
 * </pre>
 *
 * So {@code _plan} names the plan that last changed what the endpoint publishes, not the plan
 * applied last: a plan that changes nothing (the planner's heartbeat) rewrites all three rows with
 * exactly their content, which the schema's change log ignores (V7), and only their
 * applied_generation advances. The applied generation is in the rrset rows and the enactor's
 * status.
 *
 * <p>Legacy trusts the plan's spelling, as the 2025 automation did; a malformed address then
 * reaches the database, whose rdata CHECK refuses that entry. Safe never gets here with a malformed
 * address (WriteRule rejects the entry first).
 *
 * @param marker the generation {@code _plan} names after the write; null: no marker (deletion)
 */
public record EntryRdata(List<String> a, List<String> aaaa, Long marker) {

  public EntryRdata {
    a = List.copyOf(a);
    aaaa = List.copyOf(aaaa);
  }

  /** What writing {@code e} in {@code mode} over {@code now} puts in each rrset. */
  public static EntryRdata of(Mode mode, PlanEntry e, Published now) {
    if (e.deleted()) {
      return new EntryRdata(List.of(), List.of(), null);
    }
    List<String> a;
    List<String> aaaa;
    if (mode == Mode.SAFE) {
      a = e.v4();
      aaaa = e.v6();
    } else {
      a = new ArrayList<>();
      aaaa = new ArrayList<>();
      for (PlanAddress p : e.addresses()) {
        (p.address().indexOf(':') >= 0 ? aaaa : a).add(p.address());
      }
    }
    boolean same = holds(now.a(), e.ttl(), a) && holds(now.aaaa(), e.ttl(), aaaa);
    Long kept = now.markerGeneration();
    boolean keep = same && kept != null && kept <= e.generation() && now.marker().ttl() == e.ttl();
    return new EntryRdata(a, aaaa, keep ? kept : e.generation());
  }

  /** The {@code _plan} TXT rdata: the marker generation in quotes, or nothing (unpublished). */
  public List<String> txt() {
    return marker == null ? List.of() : List.of(PlanEntry.markerRdata(marker));
  }

  /** Whether this write leaves {@code _plan} naming an older plan than {@code e}'s (no change). */
  public boolean keepsMarkerOf(PlanEntry e) {
    return marker != null && marker < e.generation();
  }

  private static boolean holds(Published.Rrset r, int ttl, List<String> rdata) {
    return r != null && r.ttl() == ttl && r.rdata().equals(rdata);
  }
}
