package dnsplane.enactor.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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

  @Test
  void parsesTheMarker() {
    assertEquals(12L, VerifyVerdict.parseGeneration("12"));
    assertEquals(12L, VerifyVerdict.parseGeneration("\"12\""));
    assertNull(VerifyVerdict.parseGeneration("twelve"));
    assertNull(VerifyVerdict.parseGeneration(null));
  }
}
