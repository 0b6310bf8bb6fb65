package dnsplane.planner.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.retention.RetentionPolicy.Batch;
import dnsplane.planner.retention.RetentionPolicy.Cutoff;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The retention decision, without a database: bounds and limits → cut-off → batches → survivors.
 */
class RetentionPolicyTest {

  private static final Duration AGE = Duration.ofDays(7);
  private static final Duration OFF = Duration.ZERO;

  private record CutoffCase(
      String what, long oldest, long newest, RetentionLimits limits, long always, long ifOlder) {}

  @Test
  void cutoffs() {
    List<CutoffCase> cases =
        List.of(
            new CutoffCase("age only: up to the minimum, if old", 1, 100, lim(AGE, 0, 10), 0, 90),
            new CutoffCase("count only: beyond the newest 30", 1, 100, lim(OFF, 30, 10), 70, 70),
            new CutoffCase(
                "both: beyond 30 always, then old ones up to the minimum",
                1,
                100,
                lim(AGE, 30, 10),
                70,
                90),
            new CutoffCase("count equal to the minimum", 1, 100, lim(AGE, 10, 10), 90, 90),
            new CutoffCase("fewer rows than the minimum: nothing", 1, 5, lim(AGE, 0, 10), 0, 0),
            new CutoffCase("exactly the minimum: nothing", 91, 100, lim(AGE, 20, 10), 90, 90),
            new CutoffCase("count limit not reached: nothing", 50, 100, lim(OFF, 60, 10), 49, 49),
            new CutoffCase("a single row is the newest: kept", 7, 7, lim(AGE, 1, 1), 6, 6),
            new CutoffCase("min 1: all but the newest may go", 1, 100, lim(AGE, 0, 1), 0, 99),
            new CutoffCase("both rules off: nothing", 1, 100, RetentionLimits.keepAll(1), 0, 0),
            new CutoffCase(
                "pruned before: keys start late",
                1_000_001,
                3_000_000,
                lim(AGE, 1_000_000, 10_000),
                2_000_000,
                2_990_000));
    for (CutoffCase c : cases) {
      assertEquals(
          new Cutoff(c.always(), c.ifOlder()),
          RetentionPolicy.cutoff(c.oldest(), c.newest(), c.limits()),
          c.what());
    }
  }

  private record BatchCase(
      String what, long from, Cutoff cutoff, int size, Optional<Batch> expected) {}

  @Test
  void batches() {
    List<BatchCase> cases =
        List.of(
            new BatchCase(
                "age-checked from the start",
                1,
                new Cutoff(0, 90),
                7,
                Optional.of(new Batch(1, 7, 1))),
            new BatchCase(
                "inside the count cut: no age check",
                1,
                new Cutoff(70, 90),
                7,
                Optional.of(new Batch(1, 7, 71))),
            new BatchCase(
                "straddles the count cut",
                68,
                new Cutoff(70, 90),
                7,
                Optional.of(new Batch(68, 74, 71))),
            new BatchCase(
                "last, shorter batch",
                85,
                new Cutoff(0, 90),
                10,
                Optional.of(new Batch(85, 90, 85))),
            new BatchCase(
                "a one-key batch", 90, new Cutoff(0, 90), 10, Optional.of(new Batch(90, 90, 90))),
            new BatchCase("past the cut-off: done", 91, new Cutoff(0, 90), 10, Optional.empty()),
            new BatchCase("nothing to delete at all", 1, new Cutoff(0, 0), 10, Optional.empty()),
            new BatchCase(
                "huge keys do not overflow",
                Long.MAX_VALUE - 5,
                new Cutoff(0, Long.MAX_VALUE - 1),
                Integer.MAX_VALUE,
                Optional.of(
                    new Batch(Long.MAX_VALUE - 5, Long.MAX_VALUE - 1, Long.MAX_VALUE - 5))));
    for (BatchCase c : cases) {
      assertEquals(c.expected(), RetentionPolicy.batch(c.from(), c.cutoff(), c.size()), c.what());
    }
    assertThrows(
        IllegalArgumentException.class, () -> RetentionPolicy.batch(1, new Cutoff(0, 9), 0));
  }

  @Test
  void aBatchStopsBeforeTheFirstRowThatIsNotOldEnough() {
    Batch b = new Batch(68, 74, 71);
    assertTrue(b.needsAgeCheck());
    assertEquals(74, b.deleteTo(OptionalLong.empty()), "all old: the whole batch");
    assertEquals(71, b.deleteTo(OptionalLong.of(72)));
    assertEquals(70, b.deleteTo(OptionalLong.of(71)), "only the count-cut part");
    assertEquals(0, new Batch(1, 7, 1).deleteTo(OptionalLong.of(1)), "below from: nothing");
    assertFalse(new Batch(1, 7, 71).needsAgeCheck());
    assertThrows(
        IllegalArgumentException.class,
        () -> b.deleteTo(OptionalLong.of(70)),
        "young key before the check");
    assertThrows(
        IllegalArgumentException.class,
        () -> b.deleteTo(OptionalLong.of(75)),
        "young key after the batch");
  }

  /**
   * Whole passes: rows are keys 1..n, {@code O} older than the age limit, {@code Y} not; a deleted
   * row shows as {@code .}. Every case is run with batches of 1, 3 and 100 keys: the batch size
   * changes how, never what.
   */
  private record PassCase(String what, String ages, RetentionLimits limits, String survivors) {}

  @Test
  void passes() {
    List<PassCase> cases =
        List.of(
            new PassCase(
                "age: all old, down to min-rows", "OOOOOOOOOO", lim(AGE, 0, 3), ".......OOO"),
            new PassCase("age: old prefix only", "OOOOYYYYYY", lim(AGE, 0, 3), "....YYYYYY"),
            new PassCase(
                "age: stops at the first young row, keeping old ones after it",
                "OOOYOOYYYY",
                lim(AGE, 0, 1),
                "...YOOYYYY"),
            new PassCase(
                "count: young rows beyond the newest 4 go",
                "YYYYYYYYYY",
                lim(AGE, 4, 2),
                "......YYYY"),
            new PassCase(
                "count, then age after the count cut", "OOOYOOOYOO", lim(AGE, 8, 1), "...YOOOYOO"),
            new PassCase(
                "count cut covers a young row, age continues",
                "OYOOOYOOOO",
                lim(AGE, 8, 2),
                ".....YOOOO"),
            new PassCase(
                "count then age up to min-rows", "OOOOOOOOOO", lim(AGE, 8, 4), "......OOOO"),
            new PassCase("count without age", "OOOOOOOOOO", lim(OFF, 6, 1), "....OOOOOO"),
            new PassCase(
                "min-rows wins over everything", "OOOOOOOOOO", lim(AGE, 10, 10), "OOOOOOOOOO"),
            new PassCase("the newest row always stays", "O", lim(AGE, 1, 1), "O"),
            new PassCase(
                "both off: nothing", "OOOOOOOOOO", RetentionLimits.keepAll(1), "OOOOOOOOOO"),
            new PassCase(
                "all young, no count limit: nothing", "YYYYYYYYYY", lim(AGE, 0, 1), "YYYYYYYYYY"));
    for (PassCase c : cases) {
      for (int size : new int[] {1, 3, 100}) {
        assertEquals(
            c.survivors(), survivors(c.ages(), c.limits(), size), c.what() + ", batch " + size);
      }
    }
  }

  @Test
  void limitsRefuseWhatCannotBeMeant() {
    assertThrows(
        IllegalArgumentException.class,
        () -> lim(AGE, 0, 0),
        "min-rows 0 could delete the newest row");
    assertThrows(IllegalArgumentException.class, () -> lim(AGE, 5, 10), "max-rows below min-rows");
    assertThrows(IllegalArgumentException.class, () -> lim(Duration.ofSeconds(-1), 0, 1));
    assertFalse(RetentionLimits.keepAll(1).prunes());
    assertTrue(lim(OFF, 5, 1).prunes());
    assertTrue(lim(AGE, 0, 1).prunes());
  }

  private static RetentionLimits lim(Duration age, long maxRows, long minRows) {
    return new RetentionLimits(age, maxRows, minRows);
  }

  /** Plays a pass over {@code ages} the way {@link Pruner} plays it over a table. */
  private static String survivors(String ages, RetentionLimits limits, int size) {
    StringBuilder rows = new StringBuilder(ages);
    Cutoff cutoff = RetentionPolicy.cutoff(1, ages.length(), limits);
    long from = 1;
    while (true) {
      Optional<Batch> next = RetentionPolicy.batch(from, cutoff, size);
      if (next.isEmpty()) {
        return rows.toString();
      }
      Batch b = next.get();
      OptionalLong young = OptionalLong.empty();
      if (b.needsAgeCheck()) {
        for (long k = b.ageCheckFrom(); k <= b.to() && young.isEmpty(); k++) {
          if (ages.charAt((int) k - 1) == 'Y') {
            young = OptionalLong.of(k);
          }
        }
      }
      long to = b.deleteTo(young);
      for (long k = b.from(); k <= to; k++) {
        rows.setCharAt((int) k - 1, '.');
      }
      if (young.isPresent()) {
        return rows.toString();
      }
      from = to + 1;
    }
  }
}
