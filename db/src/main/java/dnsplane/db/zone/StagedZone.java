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
      for (String sql : StagedZoneSql.CREATE) {
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
      st.executeUpdate(StagedZoneSql.GROUP);
      st.execute("ANALYZE zone_import_rrset");
      st.execute("ANALYZE zone_import_empty");
      try (ResultSet rs = st.executeQuery(StagedZoneSql.EMPTY_CONFLICT)) {
        rs.next();
        int line = rs.getInt(1);
        if (!rs.wasNull()) {
          return OptionalInt.of(line);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(StagedZoneSql.ADD_EMPTY)) {
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
    try (PreparedStatement ps = c.prepareStatement(StagedZoneSql.DIFF)) {
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
    chunks(StagedZoneSql.CHUNK_DELETE, diff.deleted(), null);
    chunks(StagedZoneSql.CHUNK_UPDATE, diff.updated(), null);
    chunks(StagedZoneSql.CHUNK_INSERT, diff.inserted(), zoneId);
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
