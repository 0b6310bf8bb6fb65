package dnsplane.db.retention;

/**
 * PrunedTable names a table retention prunes, its key (the primary key, which grows with time) and
 * its time column. The names are constants, so they can be spliced into SQL.
 */
public enum PrunedTable {
  CHANGE_LOG("change_log", "seq", "committed_at"),
  AUDIT_LOG("audit_log", "id", "at");

  private final String table;
  private final String key;
  private final String time;

  PrunedTable(String table, String key, String time) {
    this.table = table;
    this.key = key;
    this.time = time;
  }

  public String table() {
    return table;
  }

  public String key() {
    return key;
  }

  public String time() {
    return time;
  }
}
