package dnsplane.db.rrset;

import dnsplane.db.IndexProbes;
import dnsplane.db.Json;
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
import java.util.function.Predicate;

/**
 * Rrsets is the SQL by which plans become rrsets. Writes are at most two statements per batch
 * (unnest arrays): an update of the rows that exist, an upsert of the others. With compare-and-set
 * a statement writes a row only if the row's generation is older than the write's; without it
 * (legacy mode) it overwrites unconditionally. Nothing here deletes an rrset: removing one is
 * writing it empty with the new generation (a tombstone). A writer that decides from what the
 * rrsets hold takes {@link dnsplane.db.changelog.ChangeLogLock} first.
 *
 * <p>A write whose content equals what the row holds still advances applied_generation (the
 * compare-and-set, the plan lock and cleanup all depend on it), but the schema logs no change for
 * it (V7), and {@code version} and {@code updated_at} count and date content changes only.
 */
public final class Rrsets {

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
          + "   version = rrset.version + CASE WHEN "
          + CONTENT_CHANGES
          + " THEN 1 ELSE 0 END,"
          + "   updated_at = CASE WHEN "
          + CONTENT_CHANGES
          + " THEN now() ELSE rrset.updated_at END";

  /** The compare-and-set: the same rule as the enactor's WriteRule, enforced at write time. */
  private static final String CAS =
      " WHERE rrset.applied_generation IS NULL"
          + " OR rrset.applied_generation < EXCLUDED.applied_generation";

  private static final String RETURNING = " RETURNING zone_id, name, type";

  /** The SQL of {@link #write}; public so tests can show it is the statement they exercise. */
  public static String writeSql(boolean compareAndSet) {
    return UPSERT + (compareAndSet ? CAS : "") + RETURNING;
  }

  private Rrsets() {}

  /** The A and AAAA rrsets of {@code addressNames} and the TXT rrsets of {@code txtNames}. */
  public static List<CurrentRrset> current(
      Connection c, Collection<String> addressNames, Collection<String> txtNames)
      throws SQLException {
    // Planned as a scan of the whole table per batch otherwise: see IndexProbes.
    return IndexProbes.read(c, x -> currentRows(x, addressNames, txtNames));
  }

  private static List<CurrentRrset> currentRows(
      Connection c, Collection<String> addressNames, Collection<String> txtNames)
      throws SQLException {
    // Driven by the names, one index probe each (the lateral subquery, kept apart by OFFSET 0, can
    // only be a nested loop). "name = ANY(?)" was planned (generic plan, the driver's prepared
    // statement after five runs) as a bitmap scan whose recheck and filter compare every row with
    // the whole parameter array, 1,000 names long and not hashed since it is no constant: about
    // 100 ms per 1,000-endpoint batch at 100,000 endpoints instead of 10-20. "name IN (SELECT
    // unnest(?))", which leaves the planner free to choose the join, measured slower still in the
    // enactor's bench. DISTINCT keeps the old answer for a name given twice: its rows once.
    String sql =
        "SELECT x.* FROM (SELECT DISTINCT unnest(?::text[])) n(name) CROSS JOIN LATERAL"
            + " (SELECT r.name, r.type, r.ttl, r.rdata, r.applied_generation FROM rrset r"
            + "  WHERE r.name = n.name AND r.type IN ('A', 'AAAA') OFFSET 0) x"
            + " UNION ALL"
            + " SELECT x.* FROM (SELECT DISTINCT unnest(?::text[])) n(name) CROSS JOIN LATERAL"
            + " (SELECT r.name, r.type, r.ttl, r.rdata, r.applied_generation FROM rrset r"
            + "  WHERE r.name = n.name AND r.type = 'TXT' OFFSET 0) x";
    List<CurrentRrset> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", addressNames.toArray()));
      ps.setArray(2, c.createArrayOf("text", txtNames.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long g = rs.getLong(5);
          Long generation = rs.wasNull() ? null : g;
          out.add(
              new CurrentRrset(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getInt(3),
                  List.of((String[]) rs.getArray(4).getArray()),
                  generation));
        }
      }
    }
    return out;
  }

  /**
   * Each name's A and AAAA rrsets in summary; a name with neither is {@link AddressRrsets#ABSENT}.
   */
  public static Map<String, AddressRrsets> addressRrsets(Connection c, Collection<String> names)
      throws SQLException {
    Map<String, AddressRrsets> out = new HashMap<>();
    String sql =
        "SELECT name, max(applied_generation),"
            + " coalesce(sum(cardinality(rdata)) FILTER (WHERE type = 'A'), 0),"
            + " coalesce(sum(cardinality(rdata)) FILTER (WHERE type = 'AAAA'), 0) FROM rrset"
            + " WHERE name = ANY(?) AND type IN ('A', 'AAAA') GROUP BY name";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long g = rs.getLong(2);
          Long gen = rs.wasNull() ? null : g;
          out.put(rs.getString(1), new AddressRrsets(gen, rs.getInt(3), rs.getInt(4)));
        }
      }
    }
    for (String n : names) {
      out.putIfAbsent(n, AddressRrsets.ABSENT);
    }
    return out;
  }

  /**
   * The rows of {@link #write} that exist, updated in place: the upsert's update without its
   * attempted insert. For a row that exists, an upsert first runs the insert's BEFORE ROW trigger
   * and CHECK constraints on the proposed row, then the update's again; a plan rewrites every row
   * it has written before, so that first half was a third of the statement's work for nothing.
   */
  private static final String UPDATE =
      "UPDATE rrset SET ttl = u.ttl, rdata = u.rdata, applied_generation = u.g,"
          + " version = rrset.version + CASE WHEN (rrset.ttl, rrset.rdata) IS DISTINCT FROM"
          + " (u.ttl, u.rdata) THEN 1 ELSE 0 END,"
          + " updated_at = CASE WHEN (rrset.ttl, rrset.rdata) IS DISTINCT FROM (u.ttl, u.rdata)"
          + " THEN now() ELSE rrset.updated_at END"
          + " FROM (SELECT u.z, u.n, u.t, u.ttl,"
          + "   ARRAY(SELECT jsonb_array_elements_text(u.r::jsonb)) AS rdata, u.g"
          + "   FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[])"
          + "     AS u(z, n, t, ttl, r, g)"
          + "   ORDER BY u.z, u.n, u.t) u"
          + " WHERE rrset.zone_id = u.z AND rrset.name = u.n AND rrset.type = u.t";

  private static final String UPDATE_CAS =
      " AND (rrset.applied_generation IS NULL OR rrset.applied_generation < u.g)";

  private static final String UPDATE_RETURNING = " RETURNING rrset.zone_id, rrset.name, rrset.type";

  /** The SQL of {@link #write}'s first statement (rows that exist). */
  public static String updateSql(boolean compareAndSet) {
    return UPDATE + (compareAndSet ? UPDATE_CAS : "") + UPDATE_RETURNING;
  }

  /**
   * Writes every rrset of {@code writes}; returns the names of the A rrsets it actually wrote (with
   * compare-and-set, the others lost to a newer generation).
   *
   * <p>Two statements at most: an UPDATE of the rows that exist, then the upsert ({@link
   * #writeSql}) of the rest (rows that do not exist yet, and rows the UPDATE left because they lost
   * the compare-and-set, which the upsert leaves again). The result is the upsert's alone: each row
   * is written once with the same values, a row that exists is updated (the same update triggers,
   * CHECKs and change-log rows as the upsert's update path; the upsert fired its AFTER UPDATE
   * statement triggers before its AFTER INSERT ones too), a row that does not is inserted, and the
   * compare-and-set is the same condition. Every rrset writer holds the change-log lock (the
   * schema's BEFORE statement trigger takes it, the enactor takes it first), so no other writer can
   * insert or write a row between the two statements.
   *
   * <p>What the update skips is the upsert's attempted insert of a row that exists: its CHECKs (the
   * same values the update then checks; a row that loses the compare-and-set is checked by the
   * upsert as before) and its BEFORE INSERT trigger, whose plan lock the update's trigger takes
   * whenever the generation changes. So the one difference: a legacy write that leaves a guarded
   * row at the generation it holds no longer locks that plan's row; the row holds that plan,
   * committed, before and after, so plan_delete_guard refuses to delete the plan either way.
   */
  public static Set<String> write(Connection c, boolean compareAndSet, List<RrsetWrite> writes)
      throws SQLException {
    return write(c, compareAndSet, writes, w -> true);
  }

  /**
   * As {@link #write(Connection, boolean, List)}; {@code mayExist} false for a row says that it
   * does not exist (the caller read so under the change-log lock), and the row goes straight to the
   * upsert. It only saves the update's index probe: a row that does exist after all is updated by
   * the upsert, exactly as the update would have.
   */
  public static Set<String> write(
      Connection c, boolean compareAndSet, List<RrsetWrite> writes, Predicate<RrsetWrite> mayExist)
      throws SQLException {
    Set<String> writtenA = new HashSet<>();
    if (writes.isEmpty()) {
      return writtenA;
    }
    Set<String> keys = new HashSet<>();
    for (RrsetWrite w : writes) {
      keys.add(key(w.zoneId(), w.name(), w.type()));
    }
    if (keys.size() < writes.size()) {
      // A row named twice: the upsert alone, which refuses that (an UPDATE would write it once).
      run(c, writeSql(compareAndSet), writes, writtenA);
      return writtenA;
    }
    // A plan's batch is 3,000 rows matched by key among hundreds of thousands: index probes, not
    // a scan of the table (see IndexProbes).
    List<RrsetWrite> existing = writes.stream().filter(mayExist).toList();
    Set<String> updated =
        existing.isEmpty()
            ? Set.of()
            : IndexProbes.read(c, x -> run(x, updateSql(compareAndSet), existing, writtenA));
    if (updated.size() == writes.size()) {
      return writtenA;
    }
    List<RrsetWrite> rest = new ArrayList<>(writes.size() - updated.size());
    for (RrsetWrite w : writes) {
      if (!updated.contains(key(w.zoneId(), w.name(), w.type()))) {
        rest.add(w);
      }
    }
    run(c, writeSql(compareAndSet), rest, writtenA);
    return writtenA;
  }

  private static String key(long zone, String name, String type) {
    return zone + "\t" + name + "\t" + type;
  }

  /**
   * Runs {@code sql} (one of the writes, six parameter arrays, RETURNING zone_id, name, type) over
   * {@code writes}; adds the names of the A rrsets written to {@code writtenA} and returns the keys
   * of every row written.
   */
  private static Set<String> run(
      Connection c, String sql, List<RrsetWrite> writes, Set<String> writtenA) throws SQLException {
    int n = writes.size();
    Long[] zones = new Long[n];
    String[] names = new String[n];
    String[] types = new String[n];
    Integer[] ttls = new Integer[n];
    String[] rdata = new String[n];
    Long[] generations = new Long[n];
    for (int i = 0; i < n; i++) {
      RrsetWrite w = writes.get(i);
      zones[i] = w.zoneId();
      names[i] = w.name();
      types[i] = w.type();
      ttls[i] = w.ttl();
      // A JSON array per row, unpacked into text[] by the statement: unnest() would flatten a
      // two-dimensional text[][].
      rdata[i] = Json.stringArray(w.rdata());
      generations[i] = w.generation();
    }
    Set<String> written = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("bigint", zones));
      ps.setArray(2, c.createArrayOf("text", names));
      ps.setArray(3, c.createArrayOf("text", types));
      ps.setArray(4, c.createArrayOf("integer", ttls));
      ps.setArray(5, c.createArrayOf("text", rdata));
      ps.setArray(6, c.createArrayOf("bigint", generations));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(2);
          String type = rs.getString(3);
          written.add(key(rs.getLong(1), name, type));
          if ("A".equals(type)) {
            writtenA.add(name);
          }
        }
      }
    }
    return written;
  }

  /**
   * Applied generation of every live endpoint's address rrsets (endpoints known to the planner and
   * not deleted: a deleted endpoint's tombstones are no live state to diff against).
   */
  public static Map<String, Long> appliedByLiveEndpoint(Connection c) throws SQLException {
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

  /**
   * Generations some rrset still holds: the plans safe cleanup must keep. Read from V10's count per
   * generation (what "SELECT DISTINCT applied_generation FROM rrset" answers, without reading every
   * row; the column has no index since V10).
   */
  public static Set<Long> referencedGenerations(Connection c) throws SQLException {
    Set<Long> out = new HashSet<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT generation FROM rrset_generation_ref WHERE rrsets > 0");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /**
   * Legacy cleanup's second step for one endpoint: empties its A and AAAA rrsets if they still
   * point at a plan that no longer exists. Returns the rrsets emptied. A guarded endpoint makes the
   * database refuse at commit.
   */
  public static int clearIfPlanDeleted(Connection c, String endpoint) throws SQLException {
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
}
