package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");

  private static Timeline.Sample sample(Instant t, long plan) {
    return new Timeline.Sample(
        t.toString(),
        plan,
        Map.of("az-a", plan),
        plan,
        Map.of("authdns", new Timeline.Point("NOERROR", 3, false, null)));
  }

  @Test
  void samplesOlderThanTheHistoryAreDropped() {
    Timeline t = new Timeline(Duration.ofSeconds(10), 1000);
    for (int i = 0; i <= 20; i++) {
      t.add("a.aws.test.", T0.plusSeconds(i), sample(T0.plusSeconds(i), i));
    }
    List<Timeline.Sample> kept = t.since("a.aws.test.", Instant.EPOCH);
    assertEquals(11, kept.size());
    assertEquals(10L, kept.get(0).plan());
    assertEquals(20L, kept.get(10).plan());
  }

  @Test
  void aRingHoldsAtMostMaxSamples() {
    Timeline t = new Timeline(Duration.ofHours(1), 5);
    for (int i = 0; i < 12; i++) {
      t.add("a.aws.test.", T0.plusMillis(i), sample(T0.plusMillis(i), i));
    }
    List<Timeline.Sample> kept = t.since("a.aws.test.", Instant.EPOCH);
    assertEquals(5, kept.size());
    assertEquals(7L, kept.get(0).plan());
  }

  @Test
  void sinceFiltersByTimeAndEvictionForgetsIdleEndpoints() {
    Timeline t = new Timeline(Duration.ofSeconds(30), 100);
    t.add("a.aws.test.", T0, sample(T0, 1));
    t.add("a.aws.test.", T0.plusSeconds(10), sample(T0.plusSeconds(10), 2));
    t.add("b.aws.test.", T0, sample(T0, 1));
    assertEquals(1, t.since("a.aws.test.", T0.plusSeconds(5)).size());
    assertEquals(List.of(), t.since("unknown.aws.test.", Instant.EPOCH));
    t.evict(T0.plusSeconds(35));
    assertEquals(1, t.endpoints());
    assertEquals(1, t.since("a.aws.test.", Instant.EPOCH).size());
    t.evict(T0.plusSeconds(60));
    assertEquals(0, t.endpoints());
  }

  @Test
  void aSnapshotIsACopyThatWritersDoNotDisturb() throws Exception {
    Timeline t = new Timeline(Duration.ofHours(1), 500);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                  t.add("a.aws.test.", T0.plusMillis(i), sample(T0.plusMillis(i), i));
                }
                return null;
              });
      Future<List<Integer>> reader =
          pool.submit(
              () -> {
                start.await();
                List<Integer> sizes = new ArrayList<>();
                while (!writer.isDone()) {
                  List<Timeline.Sample> s = t.since("a.aws.test.", Instant.EPOCH);
                  // Oldest first, without gaps: a torn read would break the order.
                  for (int i = 1; i < s.size(); i++) {
                    if (s.get(i).plan() != s.get(i - 1).plan() + 1) {
                      throw new AssertionError("torn snapshot at " + i);
                    }
                  }
                  sizes.add(s.size());
                }
                return sizes;
              });
      start.countDown();
      writer.get(30, TimeUnit.SECONDS);
      List<Integer> sizes = reader.get(30, TimeUnit.SECONDS);
      assertTrue(sizes.stream().allMatch(n -> n <= 500), "bounded: " + sizes);
      assertEquals(500, t.since("a.aws.test.", Instant.EPOCH).size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Timeline(Duration.ZERO, 10));
    assertThrows(IllegalArgumentException.class, () -> new Timeline(Duration.ofMinutes(1), 0));
  }
}
