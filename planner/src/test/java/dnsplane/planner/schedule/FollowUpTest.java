package dnsplane.planner.schedule;

import dnsplane.db.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One pending follow-up, at the earliest moment asked for. */
class FollowUpTest {

  private final PlannerScheduler scheduler = new PlannerScheduler();
  private final AtomicInteger runs = new AtomicInteger();
  private final FollowUp followUp = new FollowUp(scheduler, runs::incrementAndGet);

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void anEarlierRequestBringsTheFollowUpForward() {
    followUp.after(Duration.ofHours(1));
    followUp.after(Duration.ZERO);
    Await.until("the follow-up brought forward", Duration.ofSeconds(5), () -> runs.get() == 1);
  }

  @Test
  void aLaterRequestDoesNotPostponeIt() {
    followUp.after(Duration.ofMillis(1));
    followUp.after(Duration.ofHours(1));
    Await.until("the earlier follow-up", Duration.ofSeconds(5), () -> runs.get() == 1);
  }

  @Test
  void aRunningFollowUpCanAskForTheNext() {
    AtomicInteger chained = new AtomicInteger();
    FollowUp[] self = new FollowUp[1];
    self[0] =
        new FollowUp(
            scheduler,
            () -> {
              if (chained.incrementAndGet() < 3) {
                self[0].after(Duration.ZERO);
              }
            });
    self[0].after(Duration.ZERO);
    Await.until("three chained follow-ups", Duration.ofSeconds(5), () -> chained.get() == 3);
  }
}
