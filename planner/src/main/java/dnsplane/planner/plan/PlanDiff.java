package dnsplane.planner.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PlanDiff is what changed between two plans: per endpoint (in name order), the addresses added and
 * removed. Endpoints absent from one side count as having no addresses there; endpoints with no
 * change are left out. PURE.
 */
public record PlanDiff(long from, long to, List<EndpointDiff> endpoints) {

  /** The change of one endpoint. */
  public record EndpointDiff(String endpoint, List<String> added, List<String> removed) {}

  public static PlanDiff between(Plan from, Plan to) {
    Map<String, Set<String>> a = byEndpoint(from);
    Map<String, Set<String>> b = byEndpoint(to);
    Set<String> names = new java.util.TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    List<EndpointDiff> out = new ArrayList<>();
    for (String name : names) {
      Set<String> before = a.getOrDefault(name, Set.of());
      Set<String> after = b.getOrDefault(name, Set.of());
      List<String> added = after.stream().filter(x -> !before.contains(x)).toList();
      List<String> removed = before.stream().filter(x -> !after.contains(x)).toList();
      if (!added.isEmpty() || !removed.isEmpty()) {
        out.add(new EndpointDiff(name, added, removed));
      }
    }
    return new PlanDiff(from.generation(), to.generation(), out);
  }

  private static Map<String, Set<String>> byEndpoint(Plan plan) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (PlanEntry e : plan.entries()) {
      Set<String> set = new LinkedHashSet<>();
      e.addresses().forEach(x -> set.add(x.address()));
      out.put(e.endpoint(), set);
    }
    return out;
  }
}
