package dnsplane.planner.health;

/** CheckMetrics is what {@link ActiveHealthChecker} reports; the exporter lives elsewhere. */
public interface CheckMetrics {

  /** Records one active health-check probe result; {@code kind} is "tcp" or "http". */
  void checkResult(String kind, boolean success);
}
