package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class NotifySchedulerTest {
  static final Name Z = Name.fromConstantString("z.test.");
  static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5301);
  static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5302);
  static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private final AtomicInteger ids = new AtomicInteger(100);
  private final NotifyScheduler s =
      new NotifyScheduler(
          List.of(A, B), Duration.ofSeconds(1), Duration.ofSeconds(4), 4, ids::incrementAndGet);

  private static Instant at(double seconds) {
    return T0.plusMillis((long) (seconds * 1000));
  }

  @Test
  void aBurstOfChangesCoalescesIntoOneNotifyPerSecondaryWithTheLatestSerial() {
    s.changed(Z, 5, at(0));
    s.changed(Z, 6, at(0));
    s.changed(Z, 7, at(0));
    NotifyScheduler.Tick t = s.due(at(0));
    assertEquals(2, t.sends().size());
    assertTrue(t.sends().stream().allMatch(x -> x.serial() == 7 && x.attempt() == 1));
    assertEquals(2, s.pendingCount());
  }

  @Test
  void retriesWithBackoffUntilAttemptsRunOut() {
    NotifyScheduler one =
        new NotifyScheduler(
            List.of(A), Duration.ofSeconds(1), Duration.ofSeconds(4), 4, ids::incrementAndGet);
    one.changed(Z, 9, at(0));
    // table: time of tick -> attempts sent at it (0 = nothing due yet)
    double[][] table = {{0, 1}, {0.5, 0}, {1, 2}, {2.9, 0}, {3, 3}, {6.9, 0}, {7, 4}, {10.9, 0}};
    for (double[] row : table) {
      NotifyScheduler.Tick t = one.due(at(row[0]));
      if (row[1] == 0) {
        assertTrue(t.sends().isEmpty(), "nothing due at " + row[0]);
      } else {
        assertEquals(1, t.sends().size(), "send at " + row[0]);
        assertEquals((int) row[1], t.sends().get(0).attempt(), "attempt at " + row[0]);
      }
      assertTrue(t.failed().isEmpty());
    }
    // 1 s, 2 s, 4 s, then capped at 4 s: after the 4th attempt (t=7) it gives up at t=11.
    assertEquals(Optional.of(at(11)), one.nextWake());
    NotifyScheduler.Tick last = one.due(at(11));
    assertTrue(last.sends().isEmpty());
    assertEquals(List.of(new NotifyScheduler.Key(Z, A)), last.failed());
    assertEquals(Optional.empty(), one.nextWake());
  }

  @Test
  void anAnswerWithTheLatestIdEndsRetriesAndStaleOrForeignOnesDoNot() {
    s.changed(Z, 5, at(0));
    NotifyScheduler.Send first = s.due(at(0)).sends().get(0);
    NotifyScheduler.Send second = s.due(at(1)).sends().get(0);
    assertFalse(s.answered(Z, A, first.id()), "a stale id is ignored");
    assertFalse(s.answered(Z, new InetSocketAddress("127.0.0.1", 9), second.id()), "wrong sender");
    assertFalse(s.answered(Name.fromConstantString("other.test."), A, second.id()));
    assertTrue(s.answered(Z, A, second.id()));
    assertEquals(1, s.pendingCount(), "B still pending");
    assertFalse(s.answered(Z, A, second.id()), "only once");
  }

  @Test
  void aNewSerialWhileRetryingRestartsAtOnceWithTheNewSerial() {
    s.changed(Z, 5, at(0));
    s.due(at(0));
    s.changed(Z, 6, at(0.2));
    assertEquals(Optional.of(at(0.2)), s.nextWake());
    NotifyScheduler.Tick t = s.due(at(0.2));
    assertEquals(2, t.sends().size());
    assertTrue(t.sends().stream().allMatch(x -> x.serial() == 6 && x.attempt() == 1));
  }
}
