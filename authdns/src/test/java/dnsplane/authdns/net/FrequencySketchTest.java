package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  @Test
  void countsUpToFifteenAndStaysThere() {
    FrequencySketch sketch = new FrequencySketch(1024);
    int hash = 12345;
    for (int i = 1; i <= 20; i++) {
      sketch.increment(hash);
      assertEquals(Math.min(i, 15), sketch.frequency(hash), "after " + i);
    }
  }

  @Test
  void estimatesNeverFallBelowTheCountsAndRarelyRiseAbove() {
    int width = 4096;
    FrequencySketch sketch = new FrequencySketch(width);
    Random rnd = new Random(7);
    int[] hashes = new int[width];
    int[] counts = new int[width];
    // Fewer increments than a halving takes: the estimates are of the whole history.
    for (int i = 0; i < width; i++) {
      hashes[i] = rnd.nextInt();
      counts[i] = rnd.nextInt(6);
      for (int c = 0; c < counts[i]; c++) {
        sketch.increment(hashes[i]);
      }
    }
    int over = 0;
    for (int i = 0; i < width; i++) {
      int f = sketch.frequency(hashes[i]);
      assertTrue(f >= counts[i], "key " + i + ": " + f + " < " + counts[i]);
      over += f - counts[i];
    }
    assertTrue(over < width / 20, "total overestimate " + over + " over " + width + " keys");
  }

  @Test
  void theDistantPastFades() {
    int width = 256;
    FrequencySketch sketch = new FrequencySketch(width);
    int popular = 42;
    for (int i = 0; i < 12; i++) {
      sketch.increment(popular);
    }
    assertEquals(12, sketch.frequency(popular));
    // Ten increments per counter row of other keys: one halving, at least.
    Random rnd = new Random(3);
    for (int i = 0; i < 10 * width; i++) {
      sketch.increment(rnd.nextInt());
    }
    int faded = sketch.frequency(popular);
    assertTrue(faded <= 7, "after a halving: " + faded);
    assertTrue(faded >= 6 - 1, "halved, not cleared: " + faded);
  }
}
