package dnsplane.db.plan;

import dnsplane.db.CopyRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.PGConnection;

/**
 * PlanInserts writes plan N+1 with its entries (one COPY, or a copy inside the server of the
 * entries carried unchanged from the plan before) and its {@code dnsplane_plan} notification. Every
 * method runs on the caller's connection, in the caller's transaction.
 */
public final class PlanInserts {

  private PlanInserts() {}

  /**
   * Inserts the next plan (its generation from {@code plan_generation_seq}) with its entries and
   * notifies {@link Plans#CHANNEL}; PostgreSQL delivers the notification only if the transaction
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
      st.setString(1, Plans.CHANNEL);
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
