package dnsplane.enactor.apply;

/**
 * ApplyReport says what one wake-up of an enactor did: which plan it applied (null when it did
 * nothing), the write and cleanup tallies, and, when it refused to act, why.
 */
public record ApplyReport(
    Long generation,
    WriteTally writes,
    int plansDeleted,
    int endpointsCleared,
    int cleanupGuardRefusals,
    int verificationAlarms,
    String skipped) {

  static ApplyReport skipped(String why) {
    return new ApplyReport(null, WriteTally.NONE, 0, 0, 0, 0, why);
  }
}
