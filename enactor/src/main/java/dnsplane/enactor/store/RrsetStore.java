package dnsplane.enactor.store;

import dnsplane.db.changelog.ChangeLogLock;
import dnsplane.db.rrset.AddressRrsets;
import dnsplane.db.rrset.CurrentRrset;
import dnsplane.db.rrset.RrsetWrite;
import dnsplane.db.rrset.Rrsets;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.enactor.rules.EntryRdata;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.Published;
import dnsplane.enactor.rules.RrsetState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RrsetStore turns plan entries into the rrsets db's {@link Rrsets} writes (A, AAAA and the TXT
 * marker {@code _plan.<endpoint>}), and what those rrsets hold back into the enactor's rules'
 * terms. Safe mode writes with compare-and-set; legacy mode overwrites.
 */
public final class RrsetStore {

  /** One entry to write: the plan entry and what it puts in each rrset ({@link EntryRdata}). */
  public record Write(PlanEntry entry, EntryRdata rdata) {}

  /** See {@link ChangeLogLock}: taken before {@link #published}, that read is exact. */
  public void lockChangeLog(Connection c) throws SQLException {
    ChangeLogLock.take(c);
  }

  /**
   * What each endpoint's A, AAAA and marker rrsets hold now; endpoints with no row are {@link
   * Published#NOTHING}.
   */
  public Map<String, Published> published(Connection c, Collection<String> endpoints)
      throws SQLException {
    Map<String, String> endpointOfMarker = new HashMap<>();
    for (String e : endpoints) {
      endpointOfMarker.put(PlanEntry.markerName(e), e);
    }
    Map<String, Published.Rrset> a = new HashMap<>();
    Map<String, Published.Rrset> aaaa = new HashMap<>();
    Map<String, Published.Rrset> marker = new HashMap<>();
    for (CurrentRrset row : Rrsets.current(c, endpoints, endpointOfMarker.keySet())) {
      Published.Rrset r = new Published.Rrset(row.ttl(), row.rdata(), row.appliedGeneration());
      switch (row.type()) {
        case "A" -> a.put(row.name(), r);
        case "AAAA" -> aaaa.put(row.name(), r);
        default -> marker.put(endpointOfMarker.get(row.name()), r);
      }
    }
    Map<String, Published> out = new HashMap<>();
    for (String e : endpoints) {
      out.put(e, new Published(a.get(e), aaaa.get(e), marker.get(e)));
    }
    return out;
  }

  /** The state of each endpoint's address rrsets (A and AAAA); absent endpoints are ABSENT. */
  public Map<String, RrsetState> states(Connection c, Collection<String> endpoints)
      throws SQLException {
    Map<String, RrsetState> out = new HashMap<>();
    Rrsets.addressRrsets(c, endpoints).forEach((name, s) -> out.put(name, toState(s)));
    return out;
  }

  private static RrsetState toState(AddressRrsets s) {
    return s.appliedGeneration() == null && s.v4() == 0 && s.v6() == 0
        ? RrsetState.ABSENT
        : new RrsetState(s.appliedGeneration(), s.v4(), s.v6());
  }

  /**
   * Writes each entry's A, AAAA and TXT rrsets ({@link EntryRdata}) in one statement; returns the
   * endpoints whose A rrset the statement actually wrote (in safe mode the others lost the
   * compare-and-set to a newer plan). Entries whose name is in no zone are skipped and not
   * returned.
   */
  public Set<String> write(Connection c, Mode mode, List<Write> writes, ZoneIndex zones)
      throws SQLException {
    return write(c, mode, writes, zones, null);
  }

  /**
   * As {@link #write(Connection, Mode, List, ZoneIndex)}, given what {@link #published} read for
   * these endpoints after {@link #lockChangeLog} (null: not read): an rrset it found in no zone
   * does not exist, so the write inserts it without first trying to update it.
   */
  public Set<String> write(
      Connection c, Mode mode, List<Write> writes, ZoneIndex zones, Map<String, Published> now)
      throws SQLException {
    List<RrsetWrite> rows = new ArrayList<>(writes.size() * 3);
    Set<RrsetWrite> absent = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Write w : writes) {
      PlanEntry e = w.entry();
      Long zone = zones.zoneFor(e.endpoint());
      if (zone == null) {
        continue;
      }
      EntryRdata r = w.rdata();
      Published p = now == null ? null : now.get(e.endpoint());
      RrsetWrite a = new RrsetWrite(zone, e.endpoint(), "A", e.ttl(), r.a(), e.generation());
      RrsetWrite aaaa =
          new RrsetWrite(zone, e.endpoint(), "AAAA", e.ttl(), r.aaaa(), e.generation());
      RrsetWrite txt =
          new RrsetWrite(zone, e.markerName(), "TXT", e.ttl(), r.txt(), e.generation());
      rows.add(a);
      rows.add(aaaa);
      rows.add(txt);
      if (p != null) {
        if (p.a() == null) {
          absent.add(a);
        }
        if (p.aaaa() == null) {
          absent.add(aaaa);
        }
        if (p.marker() == null) {
          absent.add(txt);
        }
      }
    }
    return Rrsets.write(c, mode == Mode.SAFE, rows, w -> !absent.contains(w));
  }

  /** Applied generation of every live endpoint's address rrsets; see {@link Rrsets}. */
  public Map<String, Long> appliedByEndpoint(Connection c) throws SQLException {
    return Rrsets.appliedByLiveEndpoint(c);
  }

  /** Generations some rrset still holds: the plans safe cleanup must keep. */
  public Set<Long> referencedGenerations(Connection c) throws SQLException {
    return Rrsets.referencedGenerations(c);
  }

  /** Legacy cleanup's second step for one endpoint; see {@link Rrsets#clearIfPlanDeleted}. */
  public int clearIfPlanDeleted(Connection c, String endpoint) throws SQLException {
    return Rrsets.clearIfPlanDeleted(c, endpoint);
  }
}
