package dnsplane.enactor.apply;

import dnsplane.db.testing.Await;
import dnsplane.enactor.rules.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * StressRun is the randomized stress run: three enactors with random injected delays, hundreds of
 * plans, cleanup keeping only the newest plan, and a checker per endpoint querying authdns
 * continuously. {@link #main} runs it longer: {@code StressRun safe|legacy SEED PLANS SECONDS}.
 */
final class StressRun {

  static final List<String> ENDPOINTS =
      List.of(
          "cloudfront.aws.test.",
          "dynamodb.us-east-1.aws.test.",
          "s3.us-east-1.aws.test.",
          "sqs.us-east-1.aws.test.");

  /** Totals over every checker. */
  record Result(
      Mode mode,
      long seed,
      int plans,
      long answers,
      long empty,
      long regressions,
      boolean stuck,
      Duration took) {
    @Override
    public String toString() {
      return "stress "
          + mode.wire()
          + " seed "
          + seed
          + ": "
          + plans
          + " plans in "
          + took.toMillis()
          + " ms, "
          + answers
          + " answers, "
          + empty
          + " empty answers, "
          + regressions
          + " generation regressions"
          + (stuck ? ", enactors stuck" : "");
    }
  }

  static Result run(Mode mode, long seed, int plans, Duration budget) throws Exception {
    Random rnd = new Random(seed);
    long start = System.nanoTime();
    long end = start + budget.toNanos();
    try (Stack s = new Stack(ENDPOINTS, false)) {
      s.startEnactors(mode, 1, Duration.ofMillis(100));
      List<Checker> checkers = new ArrayList<>();
      for (String e : ENDPOINTS) {
        checkers.add(new Checker(s.dns, e));
      }
      int published = 0;
      long last = 0;
      boolean stuck = false;
      try {
        for (int i = 1; i <= plans && System.nanoTime() < end; i++) {
          if (rnd.nextInt(10) < 3) {
            Enactor e = s.enactors.get(rnd.nextInt(3));
            e.faults()
                .setDelay(
                    ENDPOINTS.get(rnd.nextInt(ENDPOINTS.size())),
                    Duration.ofMillis(rnd.nextInt(80)));
          } else if (rnd.nextInt(10) < 3) {
            s.enactors.get(rnd.nextInt(3)).faults().clear();
          }
          last = s.publish(plan(rnd, i));
          published++;
          long target = last - 2;
          if (checkers.stream().anyMatch(c -> c.empty.get() > 0)) {
            settle(s);
            break; // the outage is caught.
          }
          stuck = s.enactors.stream().anyMatch(e -> e.stuckReason() != null);
          if (stuck) {
            settle(s);
            break; // legacy refuses to act until repair: nothing more can happen.
          }
          // Pace the planner to the fastest enactor, so plans are applied, not only piled up.
          Await.until(
              "an enactor reached plan " + target,
              () ->
                  s.enactors.stream()
                          .anyMatch(e -> e.lastApplied() != null && e.lastApplied() >= target)
                      || s.enactors.stream().anyMatch(e -> e.stuckReason() != null));
        }
        if (!stuck && mode == Mode.SAFE) {
          s.enactors.forEach(e -> e.faults().clear());
          long fin = last;
          Await.until(
              "every enactor applied the last plan",
              () ->
                  s.enactors.stream()
                      .allMatch(e -> e.lastApplied() != null && e.lastApplied() == fin));
        }
        if (mode == Mode.LEGACY) {
          // Give the checkers a look at the final state (empty until repair, if it was emptied).
          long seen = checkers.get(0).queries.get();
          Await.until("the checkers looked again", () -> checkers.get(0).queries.get() > seen + 5);
        }
      } finally {
        for (Checker c : checkers) {
          c.close();
        }
      }
      stuck = s.enactors.stream().anyMatch(e -> e.stuckReason() != null);
      long answers = checkers.stream().mapToLong(c -> c.queries.get()).sum();
      long empty = checkers.stream().mapToLong(c -> c.empty.get()).sum();
      long regressions = checkers.stream().mapToLong(c -> c.regressions.get()).sum();
      return new Result(
          mode,
          seed,
          published,
          answers,
          empty,
          regressions,
          stuck,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Lets every enactor finish the pass it is in and run one more (so a cleanup still pending, the
   * one that empties the endpoint, has happened) before the final look.
   */
  static void settle(Stack s) throws Exception {
    s.enactors.forEach(e -> e.faults().clear());
    long[] passes = s.enactors.stream().mapToLong(Enactor::passes).toArray();
    Await.until(
        "every enactor finished two more passes",
        () -> {
          for (int i = 0; i < passes.length; i++) {
            if (s.enactors.get(i).passes() < passes[i] + 2) {
              return false;
            }
          }
          return true;
        });
  }

  /** Random non-empty addresses per endpoint, always with at least one IPv4 address. */
  static Map<String, List<String>> plan(Random rnd, int n) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < ENDPOINTS.size(); i++) {
      List<String> a = new ArrayList<>();
      a.add("192.0.2." + (i * 50 + rnd.nextInt(50)));
      if (rnd.nextBoolean()) {
        a.add("203.0.113." + (i * 50 + rnd.nextInt(50)));
      }
      if (rnd.nextBoolean()) {
        a.add("2001:db8::" + Integer.toHexString(n));
      }
      m.put(ENDPOINTS.get(i), a);
    }
    return m;
  }

  public static void main(String[] args) throws Exception {
    Mode mode = Mode.parse(args.length > 0 ? args[0] : "safe");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int plans = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 120;
    System.out.println(run(mode, seed, plans, Duration.ofSeconds(seconds)));
  }
}
