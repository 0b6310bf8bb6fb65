package dnsplane.enactor.store;

import dnsplane.enactor.rules.EntryRdata;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.Published;
import dnsplane.enactor.rules.RrsetState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RrsetStore reads and writes the rrsets an endpoint's plan entries become: A, AAAA and the TXT
 * marker {@code _plan.<endpoint>}. Writes are one statement per batch (unnest arrays). In safe mode
 * the statement is a compare-and-set per rrset; in legacy mode it overwrites unconditionally.
 * Nothing here deletes an rrset: removing one is writing it empty with the new generation (a
 * tombstone), so a delayed older write still loses the compare-and-set against it.
 *
 * <p>A write whose content equals what the row holds still advances applied_generation (the
 * compare-and-set, the plan lock and cleanup all depend on it), but the schema logs no change for
 * it (V7), and {@code version} and {@code updated_at} count and date content changes only.
 */
public final class RrsetStore {

  /** One entry to write: the plan entry and what it puts in each rrset ({@link EntryRdata}). */
  public record Write(PlanEntry entry, EntryRdata rdata) {}

  /** A row's served content is distinct from what the statement offers. */
  private static final String CONTENT_CHANGES =
      "(rrset.ttl, rrset.rdata) IS DISTINCT FROM (EXCLUDED.ttl, EXCLUDED.rdata)";

  private static final String UPSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
          + " SELECT u.z, u.n, u.t, u.ttl,"
          + "   ARRAY(SELECT jsonb_array_elements_text(u.r::jsonb)), u.g"
          + " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[])"
          + "   AS u(z, n, t, ttl, r, g)"
          + " ORDER BY u.z, u.n, u.t"
          + " ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = EXCLUDED.ttl,"
          + "   rdata = EXCLUDED.rdata, applied_generation = EXCLUDED.applied_generation,"
          + "   version = rrset.version + CASE WHEN " + CONTENT_CHANGES + " THEN 1 ELSE 0 END,"
          + "   updated_at = CASE WHEN " + CONTENT_CHANGES + " THEN now() ELSE rrset.updated_at END";

  /** The endpoints' A, AAAA and marker rows. */
  private static final String PUBLISHED =
      "SELECT name, type, ttl, rdata, applied_generation FROM rrset"
          + " WHERE (name = ANY(?) AND type IN ('A', 'AAAA')) OR (name = ANY(?) AND type = 'TXT')";

  /**
   * Takes the change-log lock (schema V1) that every rrset-writing statement takes before it
   * touches a row and holds until commit. Taken before {@link #published}, it makes that read
   * exactly what this transaction's write replaces: no other writer can commit an rrset in between
   * (ZoneImporter does the same). Taken first, it also keeps V1's order (the change-log lock before
   * any row lock), so two writers cannot deadlock on the pair.
   */
  public void lockChangeLog(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM change_log_counter FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }

  /** The compare-and-set: the same rule as WriteRule, enforced again at write time. */
  private static final String CAS =
      " WHERE rrset.applied_generation IS NULL"
          + " OR rrset.applied_generation < EXCLUDED.applied_generation";

  /**
   * What each endpoint's A, AAAA and marker rrsets hold now; endpoints with no row are {@link
   * Published#NOTHING}. Under {@link #lockChangeLog} it is what the transaction's write replaces.
   */
  public Map<String, Published> published(Connection c, Collection<String> endpoints)
      throws SQLException {
    Map<String, Published.Rrset> a = new HashMap<>();
    Map<String, Published.Rrset> aaaa = new HashMap<>();
    Map<String, Published.Rrset> marker = new HashMap<>();
    Map<String, String> endpointOfMarker = new HashMap<>();
    for (String e : endpoints) {
      endpointOfMarker.put(PlanEntry.markerName(e), e);
    }
    try (PreparedStatement ps = c.prepareStatement(PUBLISHED)) {
      ps.setArray(1, c.createArrayOf("text", endpoints.toArray()));
      ps.setArray(2, c.createArrayOf("text", endpointOfMarker.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          long g = rs.getLong(5);
          Long generation = rs.wasNull() ? null : g;
          Published.Rrset r = new Published.Rrset(rs.getInt(3),
              List.of((String[]) rs.getArray(4).getArray()), generation);
          switch (rs.getString(2)) {
            case "A" -> a.put(name, r);
            case "AAAA" -> aaaa.put(name, r);
            default -> marker.put(endpointOfMarker.get(name), r);
          }
        }
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
    String sql =
        "SELECT name, max(applied_generation),"
            + " coalesce(sum(cardinality(rdata)) FILTER (WHERE type = 'A'), 0),"
            + " coalesce(sum(cardinality(rdata)) FILTER (WHERE type = 'AAAA'), 0) FROM rrset"
            + " WHERE name = ANY(?) AND type IN ('A', 'AAAA') GROUP BY name";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", endpoints.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long g = rs.getLong(2);
          Long gen = rs.wasNull() ? null : g;
          out.put(rs.getString(1), new RrsetState(gen, rs.getInt(3), rs.getInt(4)));
        }
      }
    }
    for (String e : endpoints) {
      out.putIfAbsent(e, RrsetState.ABSENT);
    }
    return out;
  }

  /**
   * Writes each entry's A, AAAA and TXT rrsets ({@link EntryRdata}) in one statement; returns the
   * endpoints whose A rrset the statement actually wrote (in safe mode the others lost the
   * compare-and-set to a newer plan). Entries whose name is in no zone are skipped and not
   * returned.
   */
  public Set<String> write(Connection c, Mode mode, List<Write> writes, ZoneIndex zones)
      throws SQLException {
    int n = writes.size() * 3;
    List<Long> z = new ArrayList<>(n);
    List<String> names = new ArrayList<>(n);
    List<String> types = new ArrayList<>(n);
    List<Integer> ttls = new ArrayList<>(n);
    List<String> rdata = new ArrayList<>(n);
    List<Long> gens = new ArrayList<>(n);
    for (Write w : writes) {
      PlanEntry e = w.entry();
      Long zone = zones.zoneFor(e.endpoint());
      if (zone == null) {
        continue;
      }
      EntryRdata r = w.rdata();
      add(z, names, types, ttls, rdata, gens, zone, e.endpoint(), "A", e.ttl(), r.a(), e);
      add(z, names, types, ttls, rdata, gens, zone, e.endpoint(), "AAAA", e.ttl(), r.aaaa(), e);
      add(z, names, types, ttls, rdata, gens, zone, e.markerName(), "TXT", e.ttl(), r.txt(), e);
    }
    Set<String> written = new HashSet<>();
    if (names.isEmpty()) {
      return written;
    }
    String sql = UPSERT + (mode == Mode.SAFE ? CAS : "") + " RETURNING name, type";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("bigint", z.toArray()));
      ps.setArray(2, c.createArrayOf("text", names.toArray()));
      ps.setArray(3, c.createArrayOf("text", types.toArray()));
      ps.setArray(4, c.createArrayOf("integer", ttls.toArray()));
      ps.setArray(5, c.createArrayOf("text", rdata.toArray()));
      ps.setArray(6, c.createArrayOf("bigint", gens.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("A".equals(rs.getString(2))) {
            written.add(rs.getString(1));
          }
        }
      }
    }
    return written;
  }

  /**
   * Applied generation of every live endpoint's address rrsets (endpoints known to the planner and
   * not deleted: a deleted endpoint's tombstones are no live state to diff against, so legacy's
   * stuck rule must not trip on them once their plan is cleaned up).
   */
  public Map<String, Long> appliedByEndpoint(Connection c) throws SQLException {
    String sql =
        "SELECT r.name, max(r.applied_generation) FROM rrset r JOIN endpoint e ON e.name = r.name"
            + " AND e.deleted_at IS NULL"
            + " WHERE r.type IN ('A', 'AAAA') AND r.applied_generation IS NOT NULL GROUP BY r.name";
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Generations some rrset still holds: the plans safe cleanup must keep. */
  public Set<Long> referencedGenerations(Connection c) throws SQLException {
    Set<Long> out = new HashSet<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT DISTINCT applied_generation FROM rrset WHERE applied_generation IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /**
   * Legacy cleanup's second step for one endpoint: empties its A and AAAA rrsets if they still point
   * at a plan that no longer exists. Returns the rrsets emptied. A guarded endpoint makes the
   * database refuse at commit.
   */
  public int clearIfPlanDeleted(Connection c, String endpoint) throws SQLException {
    String sql =
        "UPDATE rrset r SET rdata = '{}', version = r.version + 1, updated_at = now()"
            + " WHERE r.name = ? AND r.type IN ('A', 'AAAA') AND r.applied_generation IS NOT NULL"
            + " AND cardinality(r.rdata) > 0"
            + " AND NOT EXISTS (SELECT 1 FROM plan p WHERE p.generation = r.applied_generation)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, endpoint);
      return ps.executeUpdate();
    }
  }

  private static void add(
      List<Long> z, List<String> names, List<String> types, List<Integer> ttls, List<String> rdata,
      List<Long> gens, long zone, String name, String type, int ttl, List<String> values,
      PlanEntry e) {
    z.add(zone);
    names.add(name);
    types.add(type);
    ttls.add(ttl);
    rdata.add(jsonArray(values));
    gens.add(e.generation());
  }

  static String jsonArray(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('"');
      for (char ch : v.toCharArray()) {
        if (ch == '"' || ch == '\\') {
          b.append('\\');
        }
        b.append(ch);
      }
      b.append('"');
    }
    return b.append(']').toString();
  }
}
