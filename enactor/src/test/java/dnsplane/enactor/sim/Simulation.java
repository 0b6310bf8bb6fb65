package dnsplane.enactor.sim;

import dnsplane.enactor.rules.AddressFamily;
import dnsplane.enactor.rules.CleanupRule;
import dnsplane.enactor.rules.LegacyRule;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.WriteDecision;
import dnsplane.enactor.rules.WriteRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Simulation drives the pure rules with a seeded scheduler over a {@link ModelStore}: one planner,
 * one operator and three enactors, each step one atomic action of one actor (publish a plan; add or
 * remove an endpoint's IPv6 targets and publish, as the planner's endpoint API does in one
 * transaction; start an apply; write one endpoint; delete old plans; clear endpoints), actors
 * chosen at random with per-run speeds and one injected stall. The planner is sometimes buggy: an
 * entry drops a family the endpoint has targets of. After every step it checks what a DNS client
 * would see: an endpoint that once had addresses must never have none; a family must never go from
 * some addresses to none while the endpoint has targets of it; and the generation must never go
 * back. A run is a pure function of its seed, so a failing seed replays exactly.
 */
final class Simulation {

  static final List<String> ENDPOINTS =
      List.of("dynamodb.us-east-1.aws.test.", "s3.us-east-1.aws.test.", "sqs.us-east-1.aws.test.");

  /** Bounds a run: plenty for 3 enactors to apply every plan of a run many times over. */
  static final int MAX_STEPS = 3000;

  /**
   * What a run found; {@code violation} is null when the invariants held throughout. {@code
   * familyRejections} counts RejectEmptyFamily decisions, {@code familiesRemoved} the families an
   * operator's removal legitimately emptied.
   */
  record Outcome(
      long seed,
      Mode mode,
      String violation,
      int steps,
      List<String> trace,
      int familyRejections,
      int familiesRemoved) {}

  private enum Phase {
    IDLE,
    WRITING,
    DELETE,
    CLEAR
  }

  private static final class Actor {
    final String az;
    final int speed;
    Phase phase = Phase.IDLE;
    Long lastApplied;
    List<PlanEntry> holding = List.of();
    int next;
    int familyRejections;
    int stallAt = -1;
    int stallSteps;
    boolean stuck;

    Actor(String az, int speed) {
      this.az = az;
      this.speed = speed;
    }
  }

  static Outcome run(long seed, Mode mode, boolean guard) {
    Random rnd = new Random(seed);
    ModelStore store = new ModelStore(guard);
    int keep = 1 + rnd.nextInt(3);
    int plansToPublish = 4 + rnd.nextInt(10);
    List<Actor> enactors = new ArrayList<>();
    for (String az : List.of("az-a", "az-b", "az-c")) {
      enactors.add(new Actor(az, 1 + rnd.nextInt(8)));
    }
    Actor slow = enactors.get(rnd.nextInt(3));
    slow.stallAt = rnd.nextInt(ENDPOINTS.size());
    slow.stallSteps = rnd.nextInt(60);
    List<String> trace = new ArrayList<>();
    trace.add(
        "seed "
            + seed
            + " "
            + mode.wire()
            + " guard="
            + guard
            + " keep="
            + keep
            + " plans="
            + plansToPublish
            + " stall "
            + slow.az
            + " at #"
            + slow.stallAt
            + " for "
            + slow.stallSteps);
    for (String ep : ENDPOINTS) {
      store.targets.put(
          ep,
          rnd.nextBoolean()
              ? EnumSet.of(AddressFamily.V4)
              : EnumSet.of(AddressFamily.V4, AddressFamily.V6));
    }
    Map<String, Long> highest = new HashMap<>();
    Map<String, ModelStore.Rr> seen = new HashMap<>();
    int[] familiesRemoved = {0};
    publish(store, rnd, trace);
    for (int step = 1; step <= MAX_STEPS; step++) {
      boolean plannerCanRun = store.nextGeneration <= plansToPublish;
      int total = plannerCanRun ? 5 : 0;
      for (Actor a : enactors) {
        total += a.speed;
      }
      int pick = rnd.nextInt(total);
      if (plannerCanRun && pick < 4) {
        publish(store, rnd, trace);
      } else if (plannerCanRun && pick == 4) {
        operatorTogglesIpv6(store, rnd, trace);
      } else {
        pick -= plannerCanRun ? 5 : 0;
        Actor chosen = null;
        for (Actor a : enactors) {
          if (pick < a.speed) {
            chosen = a;
            break;
          }
          pick -= a.speed;
        }
        stepEnactor(chosen, mode, keep, store, trace);
      }
      String v = check(store, highest, seen, familiesRemoved);
      if (v != null) {
        trace.add("VIOLATION " + v);
        return new Outcome(seed, mode, v, step, trace, rejections(enactors), familiesRemoved[0]);
      }
    }
    return new Outcome(
        seed, mode, null, MAX_STEPS, trace, rejections(enactors), familiesRemoved[0]);
  }

  private static int rejections(List<Actor> enactors) {
    return enactors.stream().mapToInt(a -> a.familyRejections).sum();
  }

  /** The operator adds or removes an endpoint's IPv6 targets; the planner publishes at once. */
  private static void operatorTogglesIpv6(ModelStore store, Random rnd, List<String> trace) {
    String ep = ENDPOINTS.get(rnd.nextInt(ENDPOINTS.size()));
    Set<AddressFamily> f = store.targets.get(ep);
    boolean remove = f.contains(AddressFamily.V6);
    if (remove) {
      f.remove(AddressFamily.V6);
    } else {
      f.add(AddressFamily.V6);
    }
    trace.add("operator " + (remove ? "removes" : "adds") + " the IPv6 targets of " + ep);
    publish(store, rnd, trace);
  }

  private static void publish(ModelStore store, Random rnd, List<String> trace) {
    long g = store.nextGeneration++;
    Map<String, PlanEntry> entries = new HashMap<>();
    List<String> bugs = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS.size(); i++) {
      String ep = ENDPOINTS.get(i);
      Set<AddressFamily> families = EnumSet.copyOf(store.targets.get(ep));
      // A buggy planner drops a family the endpoint has targets of (never its only one: an
      // empty entry is the older bug the empty rule covers).
      if (families.size() > 1 && rnd.nextInt(8) == 0) {
        AddressFamily dropped = rnd.nextBoolean() ? AddressFamily.V4 : AddressFamily.V6;
        families.remove(dropped);
        bugs.add(dropped.rrtype() + " of " + ep);
      }
      List<PlanAddress> addresses = new ArrayList<>();
      for (AddressFamily f : families) {
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
          int host = 10 * i + rnd.nextInt(10);
          String a =
              f == AddressFamily.V4 ? "192.0.2." + host : "2001:db8::" + Integer.toHexString(host);
          addresses.add(new PlanAddress(a, 100, "az-a"));
        }
      }
      entries.put(ep, new PlanEntry(g, ep, 60, addresses, false));
    }
    store.plans.put(g, entries);
    trace.add(
        "planner publishes plan " + g + (bugs.isEmpty() ? "" : " (buggy: drops " + bugs + ")"));
  }

  private static void stepEnactor(Actor a, Mode mode, int keep, ModelStore s, List<String> t) {
    switch (a.phase) {
      case IDLE -> start(a, mode, s, t);
      case WRITING -> {
        if (a.next == a.stallAt && a.stallSteps > 0) {
          a.stallSteps--;
          return;
        }
        PlanEntry e = a.holding.get(a.next++);
        WriteDecision d = WriteRule.decide(mode, s.state(e.endpoint()), e, s.config(e.endpoint()));
        if (d instanceof WriteDecision.RejectEmptyFamily) {
          a.familyRejections++;
        }
        if (d instanceof WriteDecision.Write) {
          boolean ok = s.write(mode, e);
          t.add(
              a.az
                  + (ok ? " writes plan " : " refused writing plan ")
                  + e.generation()
                  + " to "
                  + e.endpoint());
        } else {
          t.add(
              a.az
                  + " "
                  + d.getClass().getSimpleName()
                  + " plan "
                  + e.generation()
                  + " for "
                  + e.endpoint());
        }
        if (a.next == a.holding.size()) {
          a.lastApplied = a.holding.get(0).generation();
          a.phase = Phase.DELETE;
        }
      }
      case DELETE -> {
        for (Long g : CleanupRule.deletablePlans(mode, s.plans.keySet(), keep, s.referenced())) {
          boolean ok = s.deletePlan(mode, g);
          t.add(a.az + (ok ? " deletes plan " : " refused deleting plan ") + g);
        }
        a.phase = mode == Mode.LEGACY ? Phase.CLEAR : Phase.IDLE;
      }
      case CLEAR -> {
        for (String ep :
            CleanupRule.endpointsToClear(mode, s.appliedByEndpoint(), s.plans.keySet())) {
          boolean ok = s.clear(ep);
          t.add(a.az + (ok ? " clears " : " refused clearing ") + ep);
        }
        a.phase = Phase.IDLE;
      }
    }
  }

  private static void start(Actor a, Mode mode, ModelStore s, List<String> t) {
    Long newest = s.plans.isEmpty() ? null : s.plans.lastKey();
    Long go;
    if (mode == Mode.LEGACY) {
      LegacyRule.Start st =
          LegacyRule.start(newest, a.lastApplied, s.appliedByEndpoint(), s.plans.keySet());
      if (st instanceof LegacyRule.Start.Stuck && !a.stuck) {
        t.add(a.az + " is stuck: " + ((LegacyRule.Start.Stuck) st).endpoints());
      }
      a.stuck = st instanceof LegacyRule.Start.Stuck;
      go = st instanceof LegacyRule.Start.Apply ap ? ap.generation() : null;
    } else {
      go = newest != null && (a.lastApplied == null || newest > a.lastApplied) ? newest : null;
    }
    if (go != null) {
      a.holding = ENDPOINTS.stream().map(ep -> s.plans.get(go).get(ep)).toList();
      a.next = 0;
      a.phase = Phase.WRITING;
      t.add(a.az + " starts applying plan " + go);
    }
  }

  /**
   * The client's view: never empty once published; a family never goes from some addresses to none
   * while the endpoint has targets of it (an operator's removal may empty it); the generation never
   * goes back.
   */
  private static String check(
      ModelStore s,
      Map<String, Long> highest,
      Map<String, ModelStore.Rr> seen,
      int[] familiesRemoved) {
    for (Map.Entry<String, ModelStore.Rr> e : s.rrsets.entrySet()) {
      ModelStore.Rr r = e.getValue();
      if (r.size() == 0) {
        return "EMPTY " + e.getKey() + " (points at plan " + r.generation() + ")";
      }
      ModelStore.Rr before = seen.put(e.getKey(), r);
      for (AddressFamily f : AddressFamily.values()) {
        if (before != null && !before.of(f).isEmpty() && r.of(f).isEmpty()) {
          if (s.targets.get(e.getKey()).contains(f)) {
            return "FAMILY_EMPTIED "
                + f.rrtype()
                + " of "
                + e.getKey()
                + " by plan "
                + r.generation()
                + " while it has targets of that family";
          }
          familiesRemoved[0]++;
        }
      }
      Long seenGeneration = highest.get(e.getKey());
      if (seenGeneration != null && r.generation() < seenGeneration) {
        return "REGRESSION "
            + e.getKey()
            + " went from plan "
            + seenGeneration
            + " back to "
            + r.generation();
      }
      highest.put(
          e.getKey(), Math.max(seenGeneration == null ? 0 : seenGeneration, r.generation()));
    }
    return null;
  }
}
