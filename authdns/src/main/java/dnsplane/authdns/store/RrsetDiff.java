package dnsplane.authdns.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RrsetDiff is what an import must write to turn the stored rrsets of a zone into the wanted ones:
 * only rrsets that differ appear, so the change log grows with the change and not with the zone.
 * Rdata is compared as a set (record order inside an rrset carries no meaning).
 */
public record RrsetDiff(List<RrsetData> inserts, List<RrsetData> updates, List<RrsetData> deletes) {

  public RrsetDiff {
    inserts = List.copyOf(inserts);
    updates = List.copyOf(updates);
    deletes = List.copyOf(deletes);
  }

  /** Computes the difference from {@code stored} to {@code wanted}. */
  public static RrsetDiff between(
      Map<RrsetData.Key, RrsetData> stored, Map<RrsetData.Key, RrsetData> wanted) {
    List<RrsetData> inserts = new ArrayList<>();
    List<RrsetData> updates = new ArrayList<>();
    List<RrsetData> deletes = new ArrayList<>();
    for (RrsetData w : wanted.values()) {
      RrsetData s = stored.get(w.key());
      if (s == null) {
        inserts.add(w);
      } else if (!same(s, w)) {
        updates.add(w);
      }
    }
    for (RrsetData s : stored.values()) {
      if (!wanted.containsKey(s.key())) {
        deletes.add(s);
      }
    }
    return new RrsetDiff(inserts, updates, deletes);
  }

  /** Whether nothing needs to be written. */
  public boolean isEmpty() {
    return inserts.isEmpty() && updates.isEmpty() && deletes.isEmpty();
  }

  private static boolean same(RrsetData a, RrsetData b) {
    return a.ttl() == b.ttl()
        && a.rdata().size() == b.rdata().size()
        && new java.util.HashSet<>(a.rdata()).equals(new java.util.HashSet<>(b.rdata()));
  }
}
