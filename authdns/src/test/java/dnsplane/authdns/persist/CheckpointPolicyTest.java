package dnsplane.authdns.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a server writes a checkpoint over the newest one. */
class CheckpointPolicyTest {

  private final CheckpointWriter.Policy policy = CheckpointWriter.Policy.defaults();

  @Test
  void aFirstCheckpointIsDueAtOnce() {
    assertTrue(policy.due(1, 1, -1, -1));
  }

  @Test
  void thenOnceATwentiethOfTheDataHasChangedAndAtLeastAThousandChanges() {
    assertFalse(policy.due(1_999_999 + 49_999, 1, 1_999_999, 1_000_000));
    assertTrue(policy.due(1_999_999 + 50_000, 1, 1_999_999, 1_000_000));
    assertFalse(policy.due(100 + 999, 1, 100, 10), "a small zone: a thousand changes");
    assertTrue(policy.due(100 + 1_000, 1, 100, 10));
    assertFalse(policy.due(99, 1, 100, 10), "one behind the newest is never due");
  }

  @Test
  void aSnapshotOfNoZoneIsNeverDue() {
    assertFalse(policy.due(1, 0, -1, -1));
    assertFalse(policy.due(5_000, 0, 1, 10));
  }

  @Test
  void aLongWriteSpacesTheNextOutToFiftyTimesItsLength() {
    assertEquals(Duration.ofMinutes(1), policy.intervalAfter(300));
    assertEquals(Duration.ofSeconds(110), policy.intervalAfter(2_200));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CheckpointWriter.Policy(Duration.ofMinutes(1), 0, 20, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CheckpointWriter.Policy(Duration.ofMinutes(1), 1_000, 20, 0));
  }
}
