package dnsplane.enactor.apply;

import dnsplane.enactor.rules.Mode;
import java.util.Objects;

/**
 * EnactorSettings configures one enactor: its availability zone (the audit actor), start mode, how
 * many plans cleanup keeps, the write batch size and how many written endpoints are verified.
 */
public record EnactorSettings(String az, Mode mode, int keep, int batchSize, int verifyLimit) {

  public static final int DEFAULT_KEEP = 3;
  public static final int DEFAULT_BATCH = 1000;
  public static final int DEFAULT_VERIFY_LIMIT = 20;

  public EnactorSettings {
    Objects.requireNonNull(az, "az");
    Objects.requireNonNull(mode, "mode");
    if (!az.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("az must match [a-z0-9-]+, got \"" + az + "\"");
    }
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    if (batchSize < 1 || verifyLimit < 0) {
      throw new IllegalArgumentException("batchSize must be >= 1 and verifyLimit >= 0");
    }
  }

  public static EnactorSettings of(String az, Mode mode, int keep) {
    return new EnactorSettings(az, mode, keep, DEFAULT_BATCH, DEFAULT_VERIFY_LIMIT);
  }
}
