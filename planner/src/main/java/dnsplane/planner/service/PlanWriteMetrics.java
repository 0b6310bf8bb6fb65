package dnsplane.planner.service;

/**
 * PlanWriteMetrics is what {@link PlanWriter} reports about each plan it writes. The service owns
 * the interface so that it need not know how (or whether) the numbers are exported.
 */
public interface PlanWriteMetrics {

  /**
   * Records one written plan: its endpoints failing open, the addresses it holds back (and how many
   * of those it started to hold), the health removals it made and how long it took.
   */
  void planWritten(
      long generation, int failOpen, int held, int newlyHeld, int removals, double seconds);
}
