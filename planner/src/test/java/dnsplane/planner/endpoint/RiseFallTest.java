package dnsplane.planner.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the rise/fall state machine: a string of results → health after each. */
class RiseFallTest {

  @ParameterizedTest(name = "start {0}, rise {1}, fall {2}: {3} → {4}")
  @CsvSource({
    // start, rise, fall, results (+ ok, - fail), health after each (H / u)
    "true,  2, 3, '--',      'HH'",
    "true,  2, 3, '---',     'HHu'",
    "true,  2, 3, '--+---',  'HHHHHu'",
    "false, 2, 3, '+',       'u'",
    "false, 2, 3, '++',      'uH'",
    "false, 2, 3, '+-++',    'uuuH'",
    "true,  1, 1, '-+-',     'uHu'",
    "true,  2, 3, '---++',   'HHuuH'",
    "true,  2, 3, '---+-++', 'HHuuuuH'",
  })
  void table(boolean start, int rise, int fall, String results, String expected) {
    RiseFall rf = new RiseFall(rise, fall);
    RiseFall.State s = RiseFall.State.start(start);
    StringBuilder got = new StringBuilder();
    for (char r : results.toCharArray()) {
      s = rf.next(s, r == '+');
      got.append(s.healthy() ? 'H' : 'u');
    }
    assertEquals(expected, got.toString());
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "1, 0"})
  void thresholdsMustBePositive(int rise, int fall) {
    assertThrows(IllegalArgumentException.class, () -> new RiseFall(rise, fall));
  }
}
