package dnsplane.authdns.answer;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * CacheInvalidation is what a batch of changes makes stale among the answers rendered from the
 * snapshot before it, given their {@link AnswerDependencies}. PURE.
 *
 * <ul>
 *   <li>Everything, for a full load or a zone created or deleted (a new zone may now hold a name).
 *   <li>A whole zone, for a change at its apex or an apex NS target (every positive answer holds
 *       them), of an NS, DS or DNAME rrset anywhere (a delegation or a redirection above a name
 *       changes its answer without touching it), or of a wildcard (it answers names it does not
 *       name).
 *   <li>Otherwise the changed names and their ancestors below the apex (a name added below one can
 *       turn it into an empty non-terminal), and the answers that hold the serial of a changed
 *       zone.
 * </ul>
 *
 * @param everything drop every answer
 * @param zones zones whose every answer is dropped
 * @param serials zones whose serial-bound answers are dropped
 * @param names names whose dependent answers are dropped
 */
public record CacheInvalidation(
    boolean everything, Set<Name> zones, Set<Name> serials, Set<Name> names) {

  public static final CacheInvalidation EVERYTHING =
      new CacheInvalidation(true, Set.of(), Set.of(), Set.of());

  public CacheInvalidation {
    zones = Set.copyOf(zones);
    serials = Set.copyOf(serials);
    names = Set.copyOf(names);
  }

  /** What {@code changes} (null: a full load) applied to {@code before} invalidate. */
  public static CacheInvalidation of(ZoneSet before, List<ZoneChange> changes) {
    if (changes == null) {
      return EVERYTHING;
    }
    Set<Name> zones = new HashSet<>();
    Set<Name> serials = new HashSet<>();
    Set<Name> names = new HashSet<>();
    Map<Name, Set<Name>> zoneWide = new HashMap<>();
    for (ZoneChange c : changes) {
      Name name;
      int type;
      if (c instanceof ZoneChange.RrsetReplaced r) {
        name = r.name();
        type = r.type();
      } else if (c instanceof ZoneChange.RrsetIncomplete r) {
        name = r.name();
        type = r.type();
      } else if (c instanceof ZoneChange.RrsetRemoved r) {
        name = r.name();
        type = r.type();
      } else {
        return EVERYTHING; // ZoneCreated, ZoneDeleted, and any kind added later
      }
      Name zone = c.zone();
      serials.add(zone);
      Set<Name> wide =
          zoneWide.computeIfAbsent(
              zone, z -> before.zone(z).map(AnswerDependencies::zoneWideNames).orElse(Set.of(z)));
      if (type == Type.NS
          || type == Type.DS
          || type == Type.DNAME
          || type == Type.SOA
          || name.isWild()
          || wide.contains(name)) {
        zones.add(zone);
      } else {
        // The name, and its ancestors up to the apex: adding or removing the last name below
        // one makes it an empty non-terminal or not, which changes a wildcard's answer for it.
        for (Name n = name; n.labels() > zone.labels() && n.subdomain(zone); n = parent(n)) {
          names.add(n);
        }
      }
    }
    return new CacheInvalidation(false, zones, serials, names);
  }

  private static Name parent(Name name) {
    return new Name(name, 1);
  }

  /** Whether this drops nothing. */
  public boolean isEmpty() {
    return !everything && zones.isEmpty() && serials.isEmpty() && names.isEmpty();
  }
}
