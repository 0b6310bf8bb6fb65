package dnsplane.authdns.store;

import dnsplane.db.zone.RrsetRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RrsetDiff is the reference model of the replace-zone diff, in memory: the import computed it this
 * way before it streamed, and the SQL of {@link dnsplane.db.zone.StagedZone} must agree with it
 * (ImportDiffModelTest). RrsetDiff is what an import must write to turn the stored rrsets of a zone
 * into the wanted ones: only rrsets that differ appear, so the change log grows with the change and
 * not with the zone. Rdata is compared as a set (record order inside an rrset carries no meaning).
 *
 * <p>Plan-managed rrsets ({@code managed}) are never written: where the file would insert, update
 * or delete one, it is listed in {@link #leftAlone} instead.
 */
public record RrsetDiff(
    List<RrsetRow> inserts,
    List<RrsetRow> updates,
    List<RrsetRow> deletes,
    List<RrsetRow.Key> leftAlone) {

  public RrsetDiff {
    inserts = List.copyOf(inserts);
    updates = List.copyOf(updates);
    deletes = List.copyOf(deletes);
    leftAlone = List.copyOf(leftAlone);
  }

  /** Computes the difference from {@code stored} to {@code wanted}, with nothing managed. */
  public static RrsetDiff between(
      Map<RrsetRow.Key, RrsetRow> stored, Map<RrsetRow.Key, RrsetRow> wanted) {
    return between(stored, wanted, Set.of());
  }

  /**
   * Computes the difference from {@code stored} to {@code wanted}, leaving the rrsets in {@code
   * managed} as they are stored (or absent).
   */
  public static RrsetDiff between(
      Map<RrsetRow.Key, RrsetRow> stored,
      Map<RrsetRow.Key, RrsetRow> wanted,
      Set<RrsetRow.Key> managed) {
    List<RrsetRow> inserts = new ArrayList<>();
    List<RrsetRow> updates = new ArrayList<>();
    List<RrsetRow> deletes = new ArrayList<>();
    List<RrsetRow.Key> leftAlone = new ArrayList<>();
    for (RrsetRow w : wanted.values()) {
      RrsetRow s = stored.get(w.key());
      List<RrsetRow> into = s == null ? inserts : same(s, w) ? null : updates;
      if (into == null) {
        continue;
      }
      if (managed.contains(w.key())) {
        leftAlone.add(w.key());
      } else {
        into.add(w);
      }
    }
    for (RrsetRow s : stored.values()) {
      if (!wanted.containsKey(s.key())) {
        if (managed.contains(s.key())) {
          leftAlone.add(s.key());
        } else {
          deletes.add(s);
        }
      }
    }
    leftAlone.sort(Comparator.comparing(RrsetRow.Key::name).thenComparing(RrsetRow.Key::type));
    return new RrsetDiff(inserts, updates, deletes, leftAlone);
  }

  /** Whether nothing needs to be written. */
  public boolean isEmpty() {
    return inserts.isEmpty() && updates.isEmpty() && deletes.isEmpty();
  }

  private static boolean same(RrsetRow a, RrsetRow b) {
    return a.ttl() == b.ttl()
        && a.rdata().size() == b.rdata().size()
        && new java.util.HashSet<>(rdata(a)).equals(new java.util.HashSet<>(rdata(b)));
  }

  /**
   * The rdata as compared. An SOA's serial is not data: authdns serves the zone's counter
   * (zone.serial) whatever the file says, and an export writes that counter, so a re-imported
   * export (or a file whose serial was bumped by hand) must not rewrite the SOA row for it.
   */
  private static List<String> rdata(RrsetRow r) {
    if (!r.type().equals("SOA")) {
      return r.rdata();
    }
    List<String> out = new ArrayList<>(r.rdata().size());
    for (String text : r.rdata()) {
      String[] f = text.trim().split("\\s+");
      if (f.length == 7) {
        f[2] = "*";
      }
      out.add(String.join(" ", f));
    }
    return out;
  }
}
