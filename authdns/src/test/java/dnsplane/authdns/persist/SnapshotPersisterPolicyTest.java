package dnsplane.authdns.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The default save policy: a small zone saves every 5 s; a big one spends a fiftieth of a core. */
class SnapshotPersisterPolicyTest {

  private final SnapshotPersister.Policy policy = SnapshotPersister.Policy.defaults();

  @Test
  void aQuickSaveWaitsTheMinimumInterval() {
    assertEquals(Duration.ofSeconds(5), policy.intervalAfter(10));
    assertEquals(Duration.ofSeconds(5), policy.intervalAfter(100));
  }

  @Test
  void aLongSaveStretchesTheIntervalToFiftyTimesItsDuration() {
    // A million names: about 0.4 s a save, so the next one waits 20 s (2% of the serving core).
    assertEquals(Duration.ofSeconds(20), policy.intervalAfter(400));
    assertEquals(Duration.ofSeconds(75), policy.intervalAfter(1_500));
  }

  @Test
  void anOperatorsLongerMinimumStillHolds() {
    SnapshotPersister.Policy slow = new SnapshotPersister.Policy(Duration.ofSeconds(60), 50);
    assertEquals(Duration.ofSeconds(60), slow.intervalAfter(400));
  }
}
