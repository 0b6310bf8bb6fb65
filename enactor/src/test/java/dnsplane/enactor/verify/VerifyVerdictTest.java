package dnsplane.enactor.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VerifyVerdictTest {

  @Test
  void decisionTable() {
    assertInstanceOf(VerifyVerdict.Failed.class, VerifyVerdict.judge(5, -1, 0, null));
    assertInstanceOf(VerifyVerdict.Failed.class, VerifyVerdict.judge(5, 3, 0, null));
    assertInstanceOf(VerifyVerdict.Empty.class, VerifyVerdict.judge(5, 0, 0, 5L));
    assertInstanceOf(VerifyVerdict.Older.class, VerifyVerdict.judge(5, 0, 2, 4L));
    assertInstanceOf(VerifyVerdict.Older.class, VerifyVerdict.judge(5, 0, 2, null));
    assertEquals(new VerifyVerdict.Ok(5), VerifyVerdict.judge(5, 0, 2, 5L));
    assertEquals(new VerifyVerdict.Ok(9), VerifyVerdict.judge(5, 0, 1, 9L));
    assertFalse(VerifyVerdict.judge(5, 0, 1, 9L).alarm());
    assertTrue(VerifyVerdict.judge(5, 0, 0, 9L).alarm());
  }

  /**
   * A heartbeat write of plan 9 that left _plan at 5 (the addresses last changed in plan 5) expects
   * 5: serving 5 is no alarm, serving anything older still is.
   */
  @Test
  void judgesAgainstTheMarkerTheWriteLeft() {
    Expectation heartbeat = new Expectation("x.aws.test.", 9, 5);
    assertEquals(new VerifyVerdict.Ok(5), VerifyVerdict.judge(heartbeat.marker(), 0, 2, 5L));
    assertInstanceOf(VerifyVerdict.Older.class, VerifyVerdict.judge(heartbeat.marker(), 0, 2, 4L));
    assertInstanceOf(VerifyVerdict.Empty.class, VerifyVerdict.judge(heartbeat.marker(), 0, 0, 5L));
    assertThrows(IllegalArgumentException.class, () -> new Expectation("x.aws.test.", 5, 9));
  }

  @Test
  void parsesTheMarker() {
    assertEquals(12L, VerifyVerdict.parseGeneration("12"));
    assertEquals(12L, VerifyVerdict.parseGeneration("\"12\""));
    assertNull(VerifyVerdict.parseGeneration("twelve"));
    assertNull(VerifyVerdict.parseGeneration(null));
  }
}
