package dnsplane.enactor.interleave;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SafetyInvariants are what safe mode promises, checked against committed state as any reader (an
 * authdns following change_log) sees it:
 *
 * <ol>
 *   <li>no empty family: a live endpoint's A (AAAA) rrset, once written, is never empty while the
 *       endpoint has IPv4 (IPv6) targets;
 *   <li>no regression: the generation an rrset holds never goes back;
 *   <li>no dangling reference: every generation an rrset holds is an existing plan;
 *   <li>content matches generation: an address rrset holds exactly its plan entry's addresses of
 *       that family (so nothing — an import, a repair — rewrote it behind the generation's back).
 * </ol>
 */
final class SafetyInvariants {

  private static final String EMPTY_FAMILY =
      "SELECT r.name || ' ' || r.type || ' is empty while the endpoint has targets"
          + " of that family (generation ' || coalesce(r.applied_generation::text, '-') || ')'"
          + " FROM rrset r JOIN endpoint e ON e.name = r.name AND e.deleted_at IS NULL"
          + " WHERE r.type IN ('A', 'AAAA') AND cardinality(r.rdata) = 0 AND EXISTS"
          + " (SELECT 1 FROM target t WHERE t.endpoint = e.name"
          + "   AND family(t.address) = CASE r.type WHEN 'A' THEN 4 ELSE 6 END)";

  private static final String DANGLING =
      "SELECT r.name || ' ' || r.type || ' holds generation ' || r.applied_generation || ', a plan"
          + " that no longer exists' FROM rrset r WHERE r.applied_generation IS NOT NULL AND NOT"
          + " EXISTS (SELECT 1 FROM plan p WHERE p.generation = r.applied_generation)";

  private static final String CONTENT =
      "SELECT r.name || ' ' || r.type || ' holds ' || r.rdata::text || ' but plan '"
          + " || r.applied_generation || ' says ' || coalesce(want.a::text, '{}')"
          + " FROM rrset r JOIN plan_entry pe ON pe.generation = r.applied_generation"
          + "   AND pe.endpoint = r.name"
          + " CROSS JOIN LATERAL (SELECT array_agg(x ->> 'address' ORDER BY x ->> 'address') AS a"
          + "   FROM jsonb_array_elements(pe.addresses) x"
          + "   WHERE (position(':' IN x ->> 'address') > 0) = (r.type = 'AAAA')) want"
          + " WHERE r.type IN ('A', 'AAAA')"
          + "   AND coalesce((SELECT array_agg(v ORDER BY v) FROM unnest(r.rdata) v), '{}')"
          + "       IS DISTINCT FROM coalesce(want.a, '{}')";

  private final Map<String, Long> lastSeen = new HashMap<>();

  /** Forget what was seen: a new interleaving starts from a new state. */
  void reset() {
    lastSeen.clear();
  }

  /** All four; the three that read only current state share one round trip. */
  List<Scheduler.Invariant> all() {
    return List.of(this::currentState, this::noRegression);
  }

  /** The outage's own symptoms: an emptied family, a generation going back. */
  List<Scheduler.Invariant> outageSymptoms() {
    return List.of(this::noEmptyFamily, this::noRegression);
  }

  String currentState(Connection c) throws SQLException {
    return first(
        c,
        "("
            + EMPTY_FAMILY
            + " LIMIT 1) UNION ALL ("
            + DANGLING
            + " LIMIT 1)"
            + " UNION ALL ("
            + CONTENT
            + " LIMIT 1)");
  }

  String noEmptyFamily(Connection c) throws SQLException {
    return first(c, EMPTY_FAMILY);
  }

  String noRegression(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT name || ' ' || type, applied_generation"
                    + " FROM rrset WHERE applied_generation IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      String broken = null;
      while (rs.next()) {
        String rrset = rs.getString(1);
        long g = rs.getLong(2);
        Long before = lastSeen.put(rrset, g);
        if (before != null && g < before && broken == null) {
          broken = rrset + " went back from generation " + before + " to " + g;
        }
      }
      return broken;
    }
  }

  private static String first(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
