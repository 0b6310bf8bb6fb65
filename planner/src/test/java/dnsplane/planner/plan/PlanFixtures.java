package dnsplane.planner.plan;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Endpoints, previous plans and a planner's world in miniature, for the PlanCalculator tests. */
final class PlanFixtures {

  private PlanFixtures() {}

  static final String EP = "dynamodb.us-east-1.aws.test.";
  static final Instant NOW = Instant.parse("2025-10-20T07:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(10);

  static VelocityPolicy policy(double share) {
    return new VelocityPolicy(share, WINDOW);
  }

  /**
   * "192.0.2.1+" is a healthy target, "192.0.2.1-" an unhealthy one; health changed a second ago.
   */
  static Endpoint endpoint(String... targets) {
    List<Target> ts = new ArrayList<>();
    for (String t : targets) {
      String address = t.substring(0, t.length() - 1);
      ts.add(
          new Target(
              address, 100, "az-a", HealthCheck.REPORTED, t.endsWith("+"), NOW.minusSeconds(1)));
    }
    return new Endpoint(EP, "aws.test.", 60, true, ts);
  }

  static List<PlannedAddress> planned(String... addresses) {
    return Stream.of(addresses).map(a -> new PlannedAddress(a, 100, "az-a")).toList();
  }

  static Map<String, PlanEntry> previous(Set<AddressFamily> failOpen, String... addresses) {
    return Map.of(EP, PlanEntry.live(EP, 60, planned(addresses), failOpen, List.of()));
  }

  static Map<String, PlanEntry> previous(String... addresses) {
    return previous(Set.of(), addresses);
  }

  static PlanDraft calculate(Endpoint e, Map<String, PlanEntry> previous, double share) {
    return PlanCalculator.calculate(List.of(e), previous, List.of(), policy(share), NOW);
  }

  static List<String> published(PlanDraft d) {
    return d.entries().get(0).addresses().stream().map(PlannedAddress::address).toList();
  }

  static List<String> held(PlanDraft d) {
    return d.entries().get(0).held().stream().map(PlannedAddress::address).toList();
  }

  /**
   * A planner's world in miniature: targets whose health changes, the previous plan and the removal
   * history, fed back into the calculator as PlanWriter does.
   */
  static final class World {
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final double share;
    FailOpenScope scope = FailOpenScope.FAMILY;
    private Map<String, PlanEntry> previous = Map.of();
    private final List<HealthRemoval> history = new ArrayList<>();
    Instant now = NOW;

    World(double share, String... addresses) {
      this.share = share;
      for (String a : addresses) {
        targets.put(a, new Target(a, 100, "az-a", HealthCheck.REPORTED, true, now));
      }
    }

    void fail(String address) {
      targets.put(address, new Target(address, 100, "az-a", HealthCheck.REPORTED, false, now));
    }

    void recover(String address) {
      targets.put(address, new Target(address, 100, "az-a", HealthCheck.REPORTED, true, now));
    }

    PlanEntry entry() {
      return previous.get(EP);
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    PlanDraft plan() {
      Endpoint e =
          new Endpoint(EP, "aws.test.", 60, true, new ArrayList<>(targets.values()))
              .withFailOpenScope(scope);
      PlanDraft d =
          PlanCalculator.calculate(
              List.of(e), previous, history, new VelocityPolicy(share, WINDOW), now);
      previous = Map.of(EP, d.entries().get(0));
      history.addAll(d.removals());
      return d;
    }

    List<String> published() {
      return previous.get(EP).addresses().stream().map(PlannedAddress::address).toList();
    }

    List<String> held() {
      return previous.get(EP).held().stream().map(PlannedAddress::address).toList();
    }

    /** Health removals within the window ending now. */
    long removedWithinWindow() {
      return history.stream().filter(r -> r.at().isAfter(now.minus(WINDOW))).count();
    }
  }

  static String[] addresses(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + (i + 1);
    }
    return out;
  }
}
