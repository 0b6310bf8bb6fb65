package dnsplane.planner.endpoint;

/**
 * RiseFall is the health-check state machine: a healthy target turns unhealthy after {@code fall}
 * consecutive failed probes, an unhealthy one healthy after {@code rise} consecutive successes. One
 * odd result never flips a target. PURE.
 */
public record RiseFall(int rise, int fall) {

  public RiseFall {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException(
          "rise and fall must be at least 1, got " + rise + "/" + fall);
    }
  }

  /** The state of one checked target: its health and the current streak of results. */
  public record State(boolean healthy, int successes, int failures) {
    public static State start(boolean healthy) {
      return new State(healthy, 0, 0);
    }
  }

  /** The state after one probe result. */
  public State next(State s, boolean success) {
    if (success) {
      int streak = s.successes() + 1;
      return new State(s.healthy() || streak >= rise, streak, 0);
    }
    int streak = s.failures() + 1;
    return new State(s.healthy() && streak < fall, 0, streak);
  }
}
