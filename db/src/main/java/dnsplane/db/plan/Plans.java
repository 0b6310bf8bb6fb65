package dnsplane.db.plan;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans reads the immutable plan tables: the one reader the planner and the enactor share, and the
 * plan writers' lock ({@link PlanInserts} writes plan N+1). Every method runs on the caller's
 * connection, so it joins the caller's transaction or snapshot.
 */
public final class Plans {

  /** The channel enactors LISTEN on; the payload is the new generation. */
  public static final String CHANNEL = "dnsplane_plan";

  /** The key of the plan writers' {@code pg_advisory_xact_lock} ("dnsplan" in ASCII). */
  public static final long WRITER_LOCK_KEY = 0x646e73706c616eL;

  private static final String HEADS = "SELECT generation, created_at, reason FROM plan";

  /**
   * Entries with their address and held elements, one row per element (or one row with NULLs for an
   * entry with none), in endpoint and element order. Elements are taken apart in SQL so db needs no
   * JSON parser; an element with no "address" string keeps its JSON text instead.
   */
  private static final String ENTRIES =
      "SELECT pe.generation, pe.endpoint, pe.ttl, pe.fail_open, pe.fail_open_families, pe.deleted,"
          + " el.held, coalesce(el.a ->> 'address', el.a::text), (el.a ->> 'weight')::int,"
          + " el.a ->> 'az'"
          + " FROM plan_entry pe LEFT JOIN LATERAL ("
          + "   SELECT false AS held, x.a, x.i"
          + "   FROM jsonb_array_elements(pe.addresses) WITH ORDINALITY AS x(a, i)"
          + "   UNION ALL SELECT true, y.a, y.i"
          + "   FROM jsonb_array_elements(pe.held) WITH ORDINALITY AS y(a, i)) el ON true"
          + " WHERE pe.generation = ANY (?) ORDER BY pe.generation, pe.endpoint, el.held, el.i";

  private Plans() {}

  /** Every plan generation that exists now, ascending. */
  public static Set<Long> generations(Connection c) throws SQLException {
    Set<Long> out = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT generation FROM plan");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  public static Optional<Long> newestGeneration(Connection c) throws SQLException {
    return newestGeneration(c, 0);
  }

  /**
   * As {@link #newestGeneration(Connection)}, giving up after {@code timeoutSeconds} (0: never).
   */
  public static Optional<Long> newestGeneration(Connection c, int timeoutSeconds)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT max(generation) FROM plan")) {
      ps.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long g = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(g);
      }
    }
  }

  /**
   * Takes the plan writers' transaction-scoped advisory lock, so plan writes from any planner
   * process are serialised, and returns the database's clock read after it. Unlike {@code now()},
   * which is when the transaction started (possibly before a plan that committed while this one
   * waited for the lock), that clock grows with the plan generations.
   */
  public static Instant lockForNextPlan(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      st.setLong(1, WRITER_LOCK_KEY);
      st.execute();
    }
    try (PreparedStatement st = c.prepareStatement("SELECT clock_timestamp()");
        ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
    }
  }

  public static Optional<PlanRow> latest(Connection c) throws SQLException {
    return first(read(c, HEADS + " ORDER BY generation DESC LIMIT 1", null));
  }

  /** Plan {@code generation} with its entries sorted by endpoint; empty when it does not exist. */
  public static Optional<PlanRow> get(Connection c, long generation) throws SQLException {
    return first(read(c, HEADS + " WHERE generation = ?", generation));
  }

  /** The newest {@code limit} plans, newest first. */
  public static List<PlanRow> newest(Connection c, int limit) throws SQLException {
    return read(c, HEADS + " ORDER BY generation DESC LIMIT ?", (long) limit);
  }

  private static Optional<PlanRow> first(List<PlanRow> plans) {
    return plans.stream().findFirst();
  }

  private static List<PlanRow> read(Connection c, String headSql, Long param) throws SQLException {
    Map<Long, Head> heads = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(headSql)) {
      if (param != null) {
        st.setLong(1, param);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          heads.put(rs.getLong(1), new Head(rs.getTimestamp(2).toInstant(), rs.getString(3)));
        }
      }
    }
    if (heads.isEmpty()) {
      return List.of();
    }
    Map<Long, List<PlanEntryRow>> entries = entries(c, heads.keySet());
    List<PlanRow> out = new ArrayList<>(heads.size());
    heads.forEach(
        (gen, head) ->
            out.add(
                new PlanRow(
                    gen, head.createdAt, head.reason, entries.getOrDefault(gen, List.of()))));
    return out;
  }

  private record Head(Instant createdAt, String reason) {}

  private static Map<Long, List<PlanEntryRow>> entries(Connection c, Collection<Long> generations)
      throws SQLException {
    if (c.getAutoCommit()) {
      return entriesReadAsIs(c, generations);
    }
    // PostgreSQL guesses 100 elements per jsonb_array_elements call, so a 100,000-entry plan looks
    // like 20 million rows and crosses every JIT threshold: compiling, inlining and optimizing took
    // longer (370 ms) than reading the plan (270 ms). This read never gains from JIT; the setting
    // is put back for the rest of the caller's transaction.
    String jit;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT current_setting('jit'), set_config('jit', 'off', true)");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      jit = rs.getString(1);
    }
    // A failed read aborts the transaction, which undoes the setting (or its savepoint does).
    Map<Long, List<PlanEntryRow>> out = entriesReadAsIs(c, generations);
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('jit', ?, true)")) {
      ps.setString(1, jit);
      ps.execute();
    }
    return out;
  }

  private static Map<Long, List<PlanEntryRow>> entriesReadAsIs(
      Connection c, Collection<Long> generations) throws SQLException {
    Map<Long, List<PlanEntryRow>> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(ENTRIES)) {
      ps.setArray(1, c.createArrayOf("bigint", generations.toArray()));
      // A 10,000-endpoint plan is tens of thousands of rows: stream them (needs a transaction).
      ps.setFetchSize(5000);
      try (ResultSet rs = ps.executeQuery()) {
        EntryBuilder current = null;
        while (rs.next()) {
          long generation = rs.getLong(1);
          String endpoint = rs.getString(2);
          if (current == null
              || current.generation != generation
              || !current.endpoint.equals(endpoint)) {
            if (current != null) {
              out.computeIfAbsent(current.generation, g -> new ArrayList<>()).add(current.build());
            }
            current = new EntryBuilder(rs, generation, endpoint);
          }
          current.addElement(rs);
        }
        if (current != null) {
          out.computeIfAbsent(current.generation, g -> new ArrayList<>()).add(current.build());
        }
      }
    }
    return out;
  }

  /** Gathers one entry's element rows. */
  private static final class EntryBuilder {
    final long generation;
    final String endpoint;
    final int ttl;
    final boolean failOpen;
    final Set<String> families = new TreeSet<>();
    final boolean deleted;
    final List<PlanAddressRow> addresses = new ArrayList<>();
    final List<PlanAddressRow> held = new ArrayList<>();

    EntryBuilder(ResultSet rs, long generation, String endpoint) throws SQLException {
      this.generation = generation;
      this.endpoint = endpoint;
      this.ttl = rs.getInt(3);
      this.failOpen = rs.getBoolean(4);
      Array fam = rs.getArray(5);
      for (String f : (String[]) fam.getArray()) {
        families.add(f);
      }
      this.deleted = rs.getBoolean(6);
    }

    void addElement(ResultSet rs) throws SQLException {
      boolean isHeld = rs.getBoolean(7);
      if (rs.wasNull()) {
        return; // an entry with no elements at all
      }
      PlanAddressRow a = new PlanAddressRow(rs.getString(8), rs.getInt(9), rs.getString(10));
      (isHeld ? held : addresses).add(a);
    }

    PlanEntryRow build() {
      return new PlanEntryRow(
          generation, endpoint, ttl, failOpen, addresses, families, held, deleted);
    }
  }
}
