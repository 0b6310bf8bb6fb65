package dnsplane.planner.retention;

/** RetentionMetrics is what {@link Retention} reports; the exporter lives elsewhere. */
public interface RetentionMetrics {

  /** Records rows a retention pass deleted from {@code table} (0 makes the series appear). */
  void rowsPruned(String table, long rows);

  /** Records a retention pass over {@code table} that failed. */
  void retentionFailed(String table);
}
