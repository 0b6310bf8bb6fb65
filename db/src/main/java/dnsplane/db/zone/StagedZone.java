package dnsplane.db.zone;

import dnsplane.db.CopyRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * StagedZone is the new content of one zone on its way in from a master file: its records staged
 * row by row in temporary tables of the caller's transaction, grouped into rrsets and compared with
 * the stored zone in SQL, and the difference written to {@code rrset}. Nothing of the zone is held
 * in Java, so an import takes the same memory for a thousand records as for ten million.
 *
 * <p>The caller streams records in ({@link #copy}) and empty rrsets ({@link #addEmpty}), calls
 * {@link #group}, asks what the zone-wide rules need to know ({@link #firstOwnerAwayFrom}, {@link
 * #recordsOfType}, {@link #recordsAt}, {@link #firstCnameClash}), then, holding {@link
 * dnsplane.db.changelog.ChangeLogLock#take} and the zone row, {@link #diff}s and {@link #write}s.
 * The tables are {@code ON COMMIT DROP}: commit or roll back, and they are gone.
 *
 * <p>What is written is what the in-memory import wrote (the same statements, the same rows, in
 * chunks of {@link ZoneWriter#CHUNK} rrsets, deletes, then updates, then inserts), so the
 * change-log triggers log the same changes with the same serials: only rrsets whose content
 * differs, each once. Rdata is compared as a set; an SOA's serial field is not compared (authdns
 * serves the zone's counter, whatever the file says). Plan-managed rrsets ({@link
 * ZoneReader#managed}) are never written, only reported ({@link Diff#leftAlone}).
 */
public final class StagedZone {

  /** Empty rrsets per INSERT. */
  private static final int EMPTY_BATCH = 1_000;

  /** Bytes of COPY data per message to the server. */
  private static final String[] CREATE = {
    // One row per record of the file, in file order (ord), canonical owner, rdata as presented.
    "CREATE TEMP TABLE zone_import_record (ord bigint NOT NULL, name text NOT NULL,"
        + " type text NOT NULL, ttl integer NOT NULL, rdata text NOT NULL) ON COMMIT DROP",
    // One row per empty-rrset line of the file.
    "CREATE TEMP TABLE zone_import_empty (line integer NOT NULL, name text NOT NULL,"
        + " type text NOT NULL, ttl integer NOT NULL) ON COMMIT DROP",
    // The rrsets of the file, ord that of their first record (empty rrsets after every record).
    "CREATE TEMP TABLE zone_import_rrset (name text NOT NULL, type text NOT NULL,"
        + " ttl integer NOT NULL, rdata text[] NOT NULL, ord bigint NOT NULL) ON COMMIT DROP",
    "CREATE TEMP TABLE zone_import_managed (name text NOT NULL, type text NOT NULL)"
        + " ON COMMIT DROP",
    // What differs: action 'insert', 'update' or 'delete'; seq numbers the rows to write in the
    // order they are written (null for the managed ones, which are not); id is the stored row's.
    "CREATE TEMP TABLE zone_import_change (action text NOT NULL, seq bigint, id bigint,"
        + " name text NOT NULL, type text NOT NULL, ttl integer NOT NULL, rdata text[] NOT NULL,"
        + " ord bigint NOT NULL, managed boolean NOT NULL) ON COMMIT DROP",
  };

  /**
   * Records of one rrset may lie anywhere in the file: the same rdata twice is one record, the
   * rrset takes the smallest TTL any of its records gives (RFC 2181 §5.2) and keeps its records in
   * the order they first appear.
   */
  private static final String GROUP =
      "INSERT INTO zone_import_rrset (name, type, ttl, rdata, ord)"
          + " SELECT name, type, min(ttl), array_agg(rdata ORDER BY ord), min(ord)"
          + " FROM (SELECT name, type, rdata, min(ttl) AS ttl, min(ord) AS ord"
          + "       FROM zone_import_record GROUP BY name, type, rdata) AS r"
          + " GROUP BY name, type";

  /** An empty rrset whose rrset also has records, or was given empty on an earlier line. */
  private static final String EMPTY_CONFLICT =
      "SELECT min(line) FROM ("
          + " SELECT e.line FROM zone_import_empty e"
          + "   JOIN zone_import_rrset w ON w.name = e.name AND w.type = e.type"
          + " UNION ALL"
          + " SELECT e.line FROM zone_import_empty e"
          + "   JOIN zone_import_empty o ON o.name = e.name AND o.type = e.type AND o.line < e.line"
          + ") AS x";

  private static final String ADD_EMPTY =
      "INSERT INTO zone_import_rrset (name, type, ttl, rdata, ord)"
          + " SELECT name, type, ttl, '{}', ? + line FROM zone_import_empty";

  /** Java's {@code String.trim()}: every character up to U+0020 off both ends. */
  private static final String TRIM =
      "regexp_replace(%s, '^[\\x01-\\x20]+|[\\x01-\\x20]+$', '', 'g')";

  /**
   * The rdata of an SOA as compared: the serial field (the third of seven) reads "*", so a file
   * that differs from the stored SOA only in its serial (an export re-imported, a serial bumped by
   * hand) changes nothing.
   */
  private static final String SOA_AS_COMPARED =
      "ARRAY(SELECT CASE WHEN cardinality(f) = 7"
          + " THEN array_to_string(f[1:2] || '*'::text || f[4:7], ' ')"
          + " ELSE array_to_string(f, ' ') END"
          + " FROM unnest(%1$s) AS t (v), regexp_split_to_array("
          + String.format(TRIM, "t.v")
          + ", '\\s+') AS f)";

  /** Stored row s holds the same data as file rrset w: TTL, and rdata as a set. */
  private static final String SAME =
      "s.ttl = w.ttl AND cardinality(s.rdata) = cardinality(w.rdata) AND CASE WHEN w.type = 'SOA'"
          + " THEN "
          + String.format(SOA_AS_COMPARED, "s.rdata")
          + " @> "
          + String.format(SOA_AS_COMPARED, "w.rdata")
          + " AND "
          + String.format(SOA_AS_COMPARED, "w.rdata")
          + " @> "
          + String.format(SOA_AS_COMPARED, "s.rdata")
          + " ELSE s.rdata @> w.rdata AND w.rdata @> s.rdata END";

  private static final String DIFF =
      "INSERT INTO zone_import_change (action, seq, id, name, type, ttl, rdata, ord, managed)"
          + " SELECT action, CASE WHEN NOT managed"
          + "   THEN row_number() OVER (PARTITION BY action, managed ORDER BY ord) END,"
          + "   id, name, type, ttl, rdata, ord, managed"
          + " FROM ("
          + "  SELECT CASE WHEN s.id IS NULL THEN 'insert' ELSE 'update' END AS action, s.id,"
          + "    w.name, w.type, w.ttl, w.rdata, w.ord, m.name IS NOT NULL AS managed"
          + "  FROM zone_import_rrset w"
          + "  LEFT JOIN rrset s ON s.zone_id = ? AND s.name = w.name AND s.type = w.type"
          + "  LEFT JOIN zone_import_managed m ON m.name = w.name AND m.type = w.type"
          + "  WHERE s.id IS NULL OR NOT ("
          + SAME
          + ")"
          + "  UNION ALL"
          + "  SELECT 'delete', s.id, s.name, s.type, s.ttl, s.rdata, s.id, m.name IS NOT NULL"
          + "  FROM rrset s"
          + "  LEFT JOIN zone_import_managed m ON m.name = s.name AND m.type = s.type"
          + "  WHERE s.zone_id = ? AND NOT EXISTS"
          + "    (SELECT 1 FROM zone_import_rrset w WHERE w.name = s.name AND w.type = s.type)"
          + " ) AS d";

  private static final String CHUNK_DELETE =
      "DELETE FROM rrset r USING zone_import_change x"
          + " WHERE x.action = 'delete' AND x.seq > ? AND x.seq <= ? AND r.id = x.id";
  private static final String CHUNK_UPDATE =
      "UPDATE rrset r SET ttl = x.ttl, rdata = x.rdata, version = r.version + 1,"
          + " updated_at = now() FROM zone_import_change x"
          + " WHERE x.action = 'update' AND x.seq > ? AND x.seq <= ? AND r.id = x.id";
  private static final String CHUNK_INSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
          + " SELECT ?, x.name, x.type, x.ttl, x.rdata FROM zone_import_change x"
          + " WHERE x.action = 'insert' AND x.seq > ? AND x.seq <= ? ORDER BY x.seq";

  private final Connection c;
  private final List<Integer> emptyLines = new ArrayList<>();
  private final List<String> emptyNames = new ArrayList<>();
  private final List<String> emptyTypes = new ArrayList<>();
  private final List<Integer> emptyTtls = new ArrayList<>();
  private long recordsStaged;
  private Diff diff;

  private StagedZone(Connection c) {
    this.c = c;
  }

  /**
   * Creates the staging tables in {@code c}'s transaction (auto-commit must be off: they are
   * dropped at its end).
   */
  public static StagedZone create(Connection c) throws SQLException {
    if (c.getAutoCommit()) {
      throw new IllegalStateException("a staged zone lives in a transaction: auto-commit is on");
    }
    try (Statement st = c.createStatement()) {
      for (String sql : CREATE) {
        st.execute(sql);
      }
    }
    return new StagedZone(c);
  }

  /**
   * The stream the file's records go into (COPY), in file order. One at a time: close it (after
   * {@link Records#finish}, or on failure without) before anything else is done on the connection.
   */
  public Records copy() throws SQLException {
    return new Records();
  }

  /** Stages the empty rrset {@code name type} given on line {@code line} of the file. */
  public void addEmpty(int line, String name, String type, int ttl) throws SQLException {
    emptyLines.add(line);
    emptyNames.add(name);
    emptyTypes.add(type);
    emptyTtls.add(ttl);
    if (emptyLines.size() >= EMPTY_BATCH) {
      flushEmpty();
    }
  }

  /**
   * Groups the staged records into rrsets and adds the staged empty rrsets. Returns the first line
   * of an empty rrset that also has records or was given on an earlier line; nothing is added then.
   */
  public OptionalInt group() throws SQLException {
    flushEmpty();
    try (Statement st = c.createStatement()) {
      st.execute("ANALYZE zone_import_record");
      st.executeUpdate(GROUP);
      st.execute("ANALYZE zone_import_rrset");
      st.execute("ANALYZE zone_import_empty");
      try (ResultSet rs = st.executeQuery(EMPTY_CONFLICT)) {
        rs.next();
        int line = rs.getInt(1);
        if (!rs.wasNull()) {
          return OptionalInt.of(line);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(ADD_EMPTY)) {
      ps.setLong(1, recordsStaged);
      if (ps.executeUpdate() > 0) {
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE zone_import_rrset");
        }
      }
    }
    return OptionalInt.empty();
  }

  /** How many rrsets the file holds (after {@link #group}). */
  public long rrsetCount() throws SQLException {
    return count("SELECT count(*) FROM zone_import_rrset");
  }

  /** How many distinct records the file holds (after {@link #group}). */
  public long recordCount() throws SQLException {
    return count("SELECT coalesce(sum(cardinality(rdata)), 0) FROM zone_import_rrset");
  }

  /** The owner of the first rrset of type {@code type} whose owner is not {@code name}. */
  public Optional<String> firstOwnerAwayFrom(String type, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name FROM zone_import_rrset WHERE type = ? AND name <> ? ORDER BY ord"
                + " LIMIT 1")) {
      ps.setString(1, type);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** How many records of type {@code type} the file holds, whatever their owner. */
  public long recordsOfType(String type) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(sum(cardinality(rdata)), 0) FROM zone_import_rrset WHERE type = ?")) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** How many records rrset {@code name type} has; empty when the file has no such rrset. */
  public OptionalInt recordsAt(String name, String type) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT cardinality(rdata) FROM zone_import_rrset WHERE name = ? AND type = ?")) {
      ps.setString(1, name);
      ps.setString(2, type);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
      }
    }
  }

  /**
   * The first CNAME rrset (in file order) whose owner has other rrsets, not counting types in
   * {@code uncounted}, or that has more than one record.
   */
  public Optional<CnameClash> firstCnameClash(Collection<String> uncounted) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH c AS (SELECT name, ord, cardinality(rdata) AS records FROM zone_import_rrset"
                + "   WHERE type = 'CNAME'),"
                + " t AS (SELECT w.name, count(*) AS types FROM zone_import_rrset w"
                + "   JOIN c ON c.name = w.name WHERE w.type <> ALL (?) GROUP BY w.name)"
                + " SELECT c.name, coalesce(t.types, 0), c.records FROM c"
                + " LEFT JOIN t ON t.name = c.name WHERE coalesce(t.types, 0) > 1 OR c.records > 1"
                + " ORDER BY c.ord LIMIT 1")) {
      ps.setArray(1, c.createArrayOf("text", uncounted.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new CnameClash(rs.getString(1), rs.getLong(2), rs.getInt(3)))
            : Optional.empty();
      }
    }
  }

  /**
   * Compares the staged rrsets with the stored ones of zone {@code zoneId}, the plan-managed ones
   * apart. Call it holding the change-log lock and the zone row, as {@link #write} after it.
   */
  public Diff diff(long zoneId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO zone_import_managed (name, type) " + ZoneReader.MANAGED)) {
      ps.setLong(1, zoneId);
      ps.setLong(2, zoneId);
      ps.setLong(3, zoneId);
      ps.executeUpdate();
    }
    try (Statement st = c.createStatement()) {
      st.execute("ANALYZE zone_import_managed");
    }
    try (PreparedStatement ps = c.prepareStatement(DIFF)) {
      ps.setLong(1, zoneId);
      ps.setLong(2, zoneId);
      ps.executeUpdate();
    }
    try (Statement st = c.createStatement()) {
      st.execute("CREATE INDEX ON zone_import_change (action, seq)");
      st.execute("ANALYZE zone_import_change");
    }
    int inserted = 0;
    int updated = 0;
    int deleted = 0;
    int managedInFile = 0;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT action, managed, count(*) FROM zone_import_change GROUP BY 1, 2")) {
      while (rs.next()) {
        String action = rs.getString(1);
        int n = rs.getInt(3);
        if (rs.getBoolean(2)) {
          managedInFile += action.equals("delete") ? 0 : n;
        } else if (action.equals("insert")) {
          inserted = n;
        } else if (action.equals("update")) {
          updated = n;
        } else {
          deleted = n;
        }
      }
    }
    List<RrsetRow.Key> leftAlone = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name, type FROM zone_import_change WHERE managed"
                    + " ORDER BY name COLLATE \"C\", type COLLATE \"C\"")) {
      while (rs.next()) {
        leftAlone.add(new RrsetRow.Key(rs.getString(1), rs.getString(2)));
      }
    }
    diff = new Diff(inserted, updated, deleted, managedInFile, leftAlone);
    return diff;
  }

  /**
   * The owner of the first CNAME the diff would write (inserts first, then updates, each in file
   * order) at a name where a plan-managed rrset lives.
   */
  public Optional<String> firstCnameWrittenAtManagedName() throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT x.name FROM zone_import_change x WHERE x.type = 'CNAME' AND NOT x.managed"
                    + " AND x.action IN ('insert', 'update')"
                    + " AND EXISTS (SELECT 1 FROM zone_import_managed m WHERE m.name = x.name)"
                    + " ORDER BY x.action = 'update', x.ord LIMIT 1")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /**
   * Writes the {@link #diff} to zone {@code zoneId}: deletes, updates, inserts, each in statements
   * of {@link ZoneWriter#CHUNK} rrsets (one trigger run, one serial, one NOTIFY each).
   */
  public void write(long zoneId) throws SQLException {
    if (diff == null) {
      throw new IllegalStateException("write before diff");
    }
    chunks(CHUNK_DELETE, diff.deleted(), null);
    chunks(CHUNK_UPDATE, diff.updated(), null);
    chunks(CHUNK_INSERT, diff.inserted(), zoneId);
  }

  private void chunks(String sql, int rows, Long zoneId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int from = 0; from < rows; from += ZoneWriter.CHUNK) {
        int i = 1;
        if (zoneId != null) {
          ps.setLong(i++, zoneId);
        }
        ps.setLong(i++, from);
        ps.setLong(i, Math.min(rows, from + ZoneWriter.CHUNK));
        ps.executeUpdate();
      }
    }
  }

  private void flushEmpty() throws SQLException {
    if (emptyLines.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO zone_import_empty (line, name, type, ttl)"
                + " SELECT * FROM unnest(?::integer[], ?::text[], ?::text[], ?::integer[])")) {
      ps.setArray(1, c.createArrayOf("integer", emptyLines.toArray()));
      ps.setArray(2, c.createArrayOf("text", emptyNames.toArray()));
      ps.setArray(3, c.createArrayOf("text", emptyTypes.toArray()));
      ps.setArray(4, c.createArrayOf("integer", emptyTtls.toArray()));
      ps.executeUpdate();
    }
    emptyLines.clear();
    emptyNames.clear();
    emptyTypes.clear();
    emptyTtls.clear();
  }

  private long count(String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** What an import writes and leaves alone; {@code managedInFile} of those are in the file. */
  public record Diff(
      int inserted, int updated, int deleted, int managedInFile, List<RrsetRow.Key> leftAlone) {
    public Diff {
      leftAlone = List.copyOf(leftAlone);
    }
  }

  /** A CNAME rrset at a name holding {@code types} counted rrsets, with {@code records}. */
  public record CnameClash(String name, long types, int records) {}

  /**
   * The file's records on their way into {@code zone_import_record}: one COPY, fed a record at a
   * time through a fixed buffer.
   */
  public final class Records implements AutoCloseable {
    private final CopyRows rows;

    private Records() throws SQLException {
      rows = new CopyRows(c, "COPY zone_import_record (ord, name, type, ttl, rdata) FROM STDIN");
    }

    /** Stages one record (owner canonical, rdata in presentation format). */
    public void add(String name, String type, int ttl, String rdata) throws SQLException {
      StringBuilder row = rows.row();
      row.append(++recordsStaged).append('\t');
      rows.escape(name).append('\t');
      rows.escape(type).append('\t').append(ttl).append('\t');
      rows.escape(rdata);
      rows.endRow();
    }

    /** Ends the COPY: the records are in the table. */
    public void finish() throws SQLException {
      rows.finish();
    }

    /** Without {@link #finish}: cancels the COPY, so the connection can roll back. */
    @Override
    public void close() throws SQLException {
      rows.close();
    }
  }
}
