package dnsplane.enactor.interleave;

import dnsplane.enactor.rules.Mode;

/**
 * The full-size run of {@link InterleavingTest}: {@code N} seeded interleavings of the real SQL in
 * safe mode (default 10,000), printing the count, the first seed, how many statements were
 * scheduled and every interleaving that broke an invariant with its seed, so it can be replayed
 * with {@code -Ddnsplane.interleavings.seed=S -Ddnsplane.interleavings=1}. Exits 1 on a violation.
 *
 * <p>usage: InterleavingBench [count] [first-seed] [safe|legacy]
 */
public final class InterleavingBench {

  private InterleavingBench() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.currentTimeMillis();
    Mode mode = args.length > 2 ? Mode.parse(args[2]) : Mode.SAFE;
    long started = System.nanoTime();
    long steps = 0;
    int violations = 0;
    try (Scenario scenario = new Scenario()) {
      for (int i = 0; i < count; i++) {
        Scheduler.Run run = scenario.run(seed + i, mode);
        steps += run.steps();
        if (run.violated() || !run.failures().isEmpty()) {
          violations++;
          System.out.printf(
              "seed %d: %s %s%s%n",
              run.seed(), run.violation(), run.failures(), scenario.diagnose());
        }
        if ((i + 1) % 500 == 0) {
          System.out.printf(
              "  %d interleavings, %d statements, %d violations, %.0f s%n",
              i + 1, steps, violations, (System.nanoTime() - started) / 1e9);
        }
      }
    }
    System.out.printf(
        "interleavings: %d (%s), seeds %d..%d, %d statements scheduled,"
            + " %d broke an invariant, %.0f s%n",
        count,
        mode.wire(),
        seed,
        seed + count - 1,
        steps,
        violations,
        (System.nanoTime() - started) / 1e9);
    System.exit(violations == 0 ? 0 : 1);
  }
}
