package dnsplane.authdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A zone too big for the heap is refused before the load with an error that names the setting,
 * instead of an OutOfMemoryError part way through it.
 */
class HeapBudgetTest {
  private static final long MB = 1024 * 1024;

  @Test
  void aMillionRrsetsFitTheDefault512MegabyteHeap() {
    // memory.sh loads and serves 1M names with the launcher's default heap
    assertInstanceOf(HeapBudget.Verdict.Fits.class, HeapBudget.check(1_000_000, 512 * MB));
  }

  @Test
  void closeToTheHeapIsAWarningThatSaysHowClose() {
    HeapBudget.Verdict v = HeapBudget.check(1_300_000, 512 * MB);
    HeapBudget.Verdict.Tight tight = assertInstanceOf(HeapBudget.Verdict.Tight.class, v);
    assertTrue(tight.warning().contains("1,300,000 rrsets"), tight.warning());
    assertTrue(tight.warning().contains("82% of this JVM's 512 MB"), tight.warning());
  }

  @Test
  void fiveMillionRrsetsIn512MegabytesIsAnErrorNamingTheSettingAndASize() {
    HeapBudget.Verdict v = HeapBudget.check(5_000_000, 512 * MB);
    HeapBudget.Verdict.TooSmall small = assertInstanceOf(HeapBudget.Verdict.TooSmall.class, v);
    assertEquals(5_000_000L * HeapBudget.PEAK_BYTES_PER_RRSET, small.needed());
    assertTrue(small.error().contains("5,000,000 rrsets"), small.error());
    assertTrue(small.error().contains("at most 512 MB"), small.error());
    assertTrue(small.error().contains("DNSPLANE_XMX=2g"), small.error());
    assertTrue(small.error().contains("-Xmx2g"), small.error());
  }

  @Test
  void theSuggestedHeapLeavesAQuarterSpareInWholeGigabytes() {
    assertEquals("1g", HeapBudget.suggestion(1));
    assertEquals("1g", HeapBudget.suggestion(800 * MB));
    assertEquals("2g", HeapBudget.suggestion(900 * MB));
    assertEquals("7g", HeapBudget.suggestion(5_000 * MB));
  }

  @Test
  void theBoundaryIsTheHeapItself() {
    long heap = 100 * MB;
    long atTheLimit = heap / HeapBudget.PEAK_BYTES_PER_RRSET;
    assertInstanceOf(HeapBudget.Verdict.Tight.class, HeapBudget.check(atTheLimit, heap));
    assertInstanceOf(HeapBudget.Verdict.TooSmall.class, HeapBudget.check(atTheLimit + 1, heap));
  }

  @Test
  void aLoadMayReadExactlyTheRrsetsTheCheckFindsNotTooMany() {
    for (long heap : new long[] {32 * MB, 100 * MB, 512 * MB, 2048 * MB}) {
      for (long taken : new long[] {0, 7 * MB + 12_345, HeapBudget.LOAD_RESERVE + 9 * MB}) {
        long most = HeapBudget.loadable(heap, taken);
        assertFalse(
            HeapBudget.check(most, heap, taken) instanceof HeapBudget.Verdict.TooSmall,
            heap + " " + taken);
        assertInstanceOf(
            HeapBudget.Verdict.TooSmall.class, HeapBudget.check(most + 1, heap, taken));
      }
    }
    assertEquals(0, HeapBudget.loadable(8 * MB, 9 * MB), "nothing fits a heap already taken");
  }
}
