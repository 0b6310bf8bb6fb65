package dnsplane.db.zone;

/**
 * StagedZoneSql is the SQL of {@link StagedZone}: its temporary tables and the statements that
 * group, compare and write them. It stands apart so that StagedZone reads as the order of the
 * import's steps; nothing in it depends on the connection.
 */
final class StagedZoneSql {

  /** The staging tables, {@code ON COMMIT DROP}: they end with the import's transaction. */
  static final String[] CREATE = {
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
  static final String GROUP =
      "INSERT INTO zone_import_rrset (name, type, ttl, rdata, ord)"
          + " SELECT name, type, min(ttl), array_agg(rdata ORDER BY ord), min(ord)"
          + " FROM (SELECT name, type, rdata, min(ttl) AS ttl, min(ord) AS ord"
          + "       FROM zone_import_record GROUP BY name, type, rdata) AS r"
          + " GROUP BY name, type";

  /** An empty rrset whose rrset also has records, or was given empty on an earlier line. */
  static final String EMPTY_CONFLICT =
      "SELECT min(line) FROM ("
          + " SELECT e.line FROM zone_import_empty e"
          + "   JOIN zone_import_rrset w ON w.name = e.name AND w.type = e.type"
          + " UNION ALL"
          + " SELECT e.line FROM zone_import_empty e"
          + "   JOIN zone_import_empty o ON o.name = e.name AND o.type = e.type AND o.line < e.line"
          + ") AS x";

  static final String ADD_EMPTY =
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

  static final String DIFF =
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

  static final String CHUNK_DELETE =
      "DELETE FROM rrset r USING zone_import_change x"
          + " WHERE x.action = 'delete' AND x.seq > ? AND x.seq <= ? AND r.id = x.id";
  static final String CHUNK_UPDATE =
      "UPDATE rrset r SET ttl = x.ttl, rdata = x.rdata, version = r.version + 1,"
          + " updated_at = now() FROM zone_import_change x"
          + " WHERE x.action = 'update' AND x.seq > ? AND x.seq <= ? AND r.id = x.id";
  static final String CHUNK_INSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
          + " SELECT ?, x.name, x.type, x.ttl, x.rdata FROM zone_import_change x"
          + " WHERE x.action = 'insert' AND x.seq > ? AND x.seq <= ? ORDER BY x.seq";

  private StagedZoneSql() {}
}
