package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a start reads a checkpoint and the changes after it, and when every rrset row instead. */
class CheckpointChoiceTest {

  private static String fullLoad(CheckpointChoice c) {
    return assertInstanceOf(CheckpointChoice.FullLoad.class, c).reason();
  }

  @Test
  void aCurrentCheckpointIsReadAndOneBehindByLessThanHalfItsSize() {
    assertEquals(new CheckpointChoice.Use(500, 0), CheckpointChoice.decide(500, 1_000, 500, 2_000));
    assertEquals(
        new CheckpointChoice.Use(1_000, 500_000),
        CheckpointChoice.decide(1_000, 1_000_000, 501_000, 2_000_000));
    assertEquals(
        new CheckpointChoice.Use(0, CheckpointChoice.SMALL_LAG),
        CheckpointChoice.decide(0, 10, CheckpointChoice.SMALL_LAG, 100),
        "a few thousand changes are read whatever the size");
  }

  @Test
  void everyRrsetRowIsReadOtherwise() {
    assertTrue(fullLoad(CheckpointChoice.decide(-1, 0, 10, 100)).contains("no checkpoint"));
    assertTrue(
        fullLoad(CheckpointChoice.decide(1_000, 1_000_000, 500_001 + 1_000, 2_000_000))
            .contains("500001 changes behind"));
    assertTrue(
        fullLoad(CheckpointChoice.decide(0, 10, CheckpointChoice.SMALL_LAG + 1, 100))
            .contains("changes behind"));
    assertTrue(
        fullLoad(CheckpointChoice.decide(600, 10, 500, 100)).contains("ahead of the change-log"),
        "a database restored to before the checkpoint");
    assertTrue(
        fullLoad(CheckpointChoice.decide(500, 1_001, 500, 1_000)).contains("more than this heap"),
        "the full load then refuses it and says what to set");
  }
}
