package dnsplane.db.plan;

import dnsplane.db.CopyRows;
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
import org.postgresql.PGConnection;

/**
 * Plans is all SQL of the immutable plan tables: the one reader the planner and the enactor share,
 * and the insert of plan N+1 with its {@code dnsplane_plan} notification. Every method runs on the
 * caller's connection, so it joins the caller's transaction or snapshot.
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

  /**
   * Inserts the next plan (its generation from {@code plan_generation_seq}) with its entries and
   * notifies {@link #CHANNEL}; PostgreSQL delivers the notification only if the transaction
   * commits. Returns the generation. The entries' own {@code generation} is ignored.
   */
  public static long insert(Connection c, String reason, List<PlanEntryRow> entries)
      throws SQLException {
    long generation = insertHead(c, reason);
    String workMem = raiseWorkMem(c, entries.size());
    insertEntries(c, generation, entries);
    restoreWorkMem(c, workMem);
    notifyPlan(c, generation);
    return generation;
  }

  /**
   * Inserts the next plan as {@link #insert} does, but copies the entries of the endpoints in
   * {@code carried} from plan {@code from} inside the server, as they are, and sends only {@code
   * fresh}. The caller vouches that plan {@code from}'s rows for those endpoints are exactly what
   * {@link #insert} would write for them now: it wrote plan {@code from} itself, from entries equal
   * to this plan's. A heartbeat or a health change then costs one statement over rows already in
   * the database instead of encoding, sending and parsing 100,000 JSON entries again.
   *
   * @throws SQLException (the caller's transaction must roll back) when plan {@code from} lacks an
   *     entry for one of {@code carried}: nothing of a plan that would miss an endpoint is kept
   */
  public static long insertCarrying(
      Connection c, String reason, long from, Collection<String> carried, List<PlanEntryRow> fresh)
      throws SQLException {
    return insertCarrying(c, reason, from, carried, null, fresh);
  }

  /**
   * As {@link #insertCarrying(Connection, String, long, Collection, List)}, for a caller that also
   * knows plan {@code from}'s other endpoints, {@code notCarried}: {@code carried} and {@code
   * notCarried} are disjoint and together every endpoint of plan {@code from}. The server is then
   * sent whichever list is shorter: a heartbeat carries every entry and sends no name at all, a
   * health change sends one, where the list of carried names was 100,000 names to send, parse and
   * join.
   *
   * @throws SQLException (the caller's transaction must roll back) when the number of entries
   *     copied is not {@code carried.size()}: nothing of such a plan is kept
   */
  public static long insertCarrying(
      Connection c,
      String reason,
      long from,
      Collection<String> carried,
      Collection<String> notCarried,
      List<PlanEntryRow> fresh)
      throws SQLException {
    long generation = insertHead(c, reason);
    String workMem = raiseWorkMem(c, carried.size() + fresh.size());
    if (!carried.isEmpty()) {
      boolean byExclusion = notCarried != null && notCarried.size() < carried.size();
      Collection<String> names = byExclusion ? notCarried : carried;
      String copy =
          "INSERT INTO plan_entry (generation, endpoint, ttl, fail_open, addresses,"
              + " fail_open_families, held, deleted)"
              + " SELECT ?, p.endpoint, p.ttl, p.fail_open, p.addresses, p.fail_open_families,"
              + " p.held, p.deleted FROM plan_entry p";
      if (!byExclusion) {
        copy +=
            " JOIN unnest(?::text[]) AS k(endpoint) ON p.endpoint = k.endpoint"
                + " WHERE p.generation = ?";
      } else if (names.isEmpty()) {
        copy += " WHERE p.generation = ?";
      } else {
        copy +=
            " WHERE NOT EXISTS (SELECT FROM unnest(?::text[]) AS k(endpoint)"
                + " WHERE k.endpoint = p.endpoint) AND p.generation = ?";
      }
      int copied;
      try (PreparedStatement st = c.prepareStatement(copy)) {
        int i = 1;
        st.setLong(i++, generation);
        if (!names.isEmpty()) {
          st.setArray(i++, c.createArrayOf("text", names.toArray()));
        }
        st.setLong(i, from);
        copied = st.executeUpdate();
      }
      if (copied != carried.size()) {
        throw new SQLException(
            "plan "
                + from
                + " has "
                + copied
                + " of the "
                + carried.size()
                + " entries plan "
                + generation
                + " carries over from it; the plan is not written",
            "23514");
      }
    }
    insertEntries(c, generation, fresh);
    restoreWorkMem(c, workMem);
    notifyPlan(c, generation);
    return generation;
  }

  /** Plans from this many entries on get {@link #PLAN_WORK_MEM} while they are inserted. */
  private static final int LARGE_PLAN = 10_000;

  /**
   * What a large plan's insert may use in memory. The statement trigger that checks the entries
   * keeps them all (its transition table), and copying entries over joins 100,000 rows: with the
   * default 4 MB both spill to temporary files, which took a good part of the insert's time.
   */
  private static final String PLAN_WORK_MEM = "64MB";

  /**
   * Raises {@code work_mem} for the rest of the caller's transaction when {@code entries} make a
   * large plan; returns the setting to put back, or null when nothing was changed.
   */
  private static String raiseWorkMem(Connection c, int entries) throws SQLException {
    if (entries < LARGE_PLAN || c.getAutoCommit()) {
      return null;
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT current_setting('work_mem'), set_config('work_mem', ?, true)")) {
      ps.setString(1, PLAN_WORK_MEM);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /**
   * Puts {@code work_mem} back as {@link #raiseWorkMem} found it. The statement trigger runs at the
   * end of each insert statement, so nothing after this needs the memory. A failed insert aborts
   * the transaction, which undoes the setting (or its savepoint does).
   */
  private static void restoreWorkMem(Connection c, String workMem) throws SQLException {
    if (workMem == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('work_mem', ?, true)")) {
      ps.setString(1, workMem);
      ps.execute();
    }
  }

  private static long insertHead(Connection c, String reason) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("INSERT INTO plan (reason) VALUES (?) RETURNING generation")) {
      st.setString(1, reason);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void notifyPlan(Connection c, long generation) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      st.setString(1, CHANNEL);
      st.setString(2, Long.toString(generation));
      st.execute();
    }
  }

  /**
   * The entries in one {@code COPY ... FROM STDIN}, encoded straight from the rows into a fixed
   * buffer: a 100,000-entry plan is neither 800,000 array elements built and bound in Java nor an
   * unnest() that PostgreSQL materializes (and spills to disk) before inserting. A connection that
   * is not PostgreSQL's own (a test double) gets the same rows from {@link #insertEntriesByUnnest}.
   */
  private static void insertEntries(Connection c, long generation, List<PlanEntryRow> entries)
      throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    if (!c.isWrapperFor(PGConnection.class)) {
      insertEntriesByUnnest(c, generation, entries);
      return;
    }
    try (CopyRows rows = new CopyRows(c, COPY_ENTRIES)) {
      String gen = Long.toString(generation);
      StringBuilder scratch = new StringBuilder(512);
      for (PlanEntryRow e : entries) {
        StringBuilder row = rows.row();
        row.append(gen).append('\t');
        rows.escape(e.endpoint()).append('\t');
        row.append(e.ttl()).append('\t');
        row.append(e.failOpen() ? 't' : 'f').append('\t');
        rows.escape(json(scratch, e.addresses())).append('\t');
        rows.escape(familiesLiteral(e.failOpenFamilies())).append('\t');
        rows.escape(json(scratch, e.held())).append('\t');
        row.append(e.deleted() ? 't' : 'f');
        rows.endRow();
      }
      rows.finish();
    }
  }

  /**
   * Lines of COPY's text format: columns separated by tabs, {@code \N} never (no column is null),
   * and text values escaped. Values are exactly those {@link #insertEntriesByUnnest} binds: the
   * JSON of {@link PlanAddressRow#toJsonArray} and the families as an array literal.
   */
  private static final String COPY_ENTRIES =
      "COPY plan_entry (generation, endpoint, ttl, fail_open, addresses, fail_open_families, held,"
          + " deleted) FROM STDIN";

  private static StringBuilder json(StringBuilder scratch, List<PlanAddressRow> addresses) {
    scratch.setLength(0);
    PlanAddressRow.appendJsonArray(scratch, addresses);
    return scratch;
  }

  /**
   * {@code fail_open_families} as a text[] literal, sorted. The families are "A" and "AAAA" (a
   * CHECK refuses anything else), which need no quoting in an array literal.
   */
  private static String familiesLiteral(Set<String> families) {
    if (families.isEmpty()) {
      return "{}";
    }
    return "{" + String.join(",", new TreeSet<>(families)) + "}";
  }

  /**
   * One statement for all entries (arrays unnested server-side): the insert for connections that
   * cannot COPY, and what {@link #insertEntries} must write row for row (tests compare the two).
   */
  static void insertEntriesByUnnest(Connection c, long generation, List<PlanEntryRow> entries)
      throws SQLException {
    int n = entries.size();
    String[] names = new String[n];
    Integer[] ttls = new Integer[n];
    Boolean[] failOpen = new Boolean[n];
    String[] addresses = new String[n];
    String[] families = new String[n];
    String[] held = new String[n];
    Boolean[] deleted = new Boolean[n];
    for (int i = 0; i < n; i++) {
      PlanEntryRow e = entries.get(i);
      names[i] = e.endpoint();
      ttls[i] = e.ttl();
      failOpen[i] = e.failOpen();
      addresses[i] = PlanAddressRow.toJsonArray(e.addresses());
      // An array literal per entry, cast per row: unnest() would flatten a two-dimensional array.
      families[i] = familiesLiteral(e.failOpenFamilies());
      held[i] = PlanAddressRow.toJsonArray(e.held());
      deleted[i] = e.deleted();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO plan_entry (generation, endpoint, ttl, fail_open, addresses,"
                + " fail_open_families, held, deleted)"
                + " SELECT ?, e, t, f, a::jsonb, ff::text[], h::jsonb, d"
                + " FROM unnest(?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[],"
                + " ?::boolean[]) AS x(e, t, f, a, ff, h, d)")) {
      st.setLong(1, generation);
      st.setArray(2, c.createArrayOf("text", names));
      st.setArray(3, c.createArrayOf("int4", ttls));
      st.setArray(4, c.createArrayOf("bool", failOpen));
      st.setArray(5, c.createArrayOf("text", addresses));
      st.setArray(6, c.createArrayOf("text", families));
      st.setArray(7, c.createArrayOf("text", held));
      st.setArray(8, c.createArrayOf("bool", deleted));
      st.executeUpdate();
    }
  }
}
