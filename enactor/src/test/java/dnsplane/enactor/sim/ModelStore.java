package dnsplane.enactor.sim;

import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.RrsetState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ModelStore is the in-memory model of what Postgres holds for the simulation: plans and each
 * endpoint's address rrsets. Its writes enforce what the SQL enforces (the compare-and-set in safe
 * mode; with {@code guard} on, the schema's two guard triggers).
 */
final class ModelStore {

  /** One endpoint's address rrsets: the generation they came from and their addresses. */
  record Rr(Long generation, List<String> addresses) {}

  final TreeMap<Long, Map<String, PlanEntry>> plans = new TreeMap<>();
  final Map<String, Rr> rrsets = new TreeMap<>();
  final boolean guard;
  long nextGeneration = 1;

  ModelStore(boolean guard) {
    this.guard = guard;
  }

  RrsetState state(String endpoint) {
    Rr r = rrsets.get(endpoint);
    return r == null ? RrsetState.ABSENT : new RrsetState(r.generation(), r.addresses().size());
  }

  /** Returns false when the store refused (a lost compare-and-set or the guard). */
  boolean write(Mode mode, PlanEntry e) {
    Rr current = rrsets.get(e.endpoint());
    if (mode == Mode.SAFE && current != null && current.generation() != null
        && current.generation() >= e.generation()) {
      return false;
    }
    List<String> addresses = e.addresses().stream().map(a -> a.address()).toList();
    if (guard && addresses.isEmpty()) {
      return false;
    }
    rrsets.put(e.endpoint(), new Rr(e.generation(), addresses));
    return true;
  }

  Set<Long> referenced() {
    Set<Long> out = new HashSet<>();
    rrsets.values().forEach(r -> out.add(r.generation()));
    return out;
  }

  /** Returns false when the guard refused (the plan is still applied to a guarded endpoint). */
  boolean deletePlan(Mode mode, long generation) {
    if ((guard || mode == Mode.SAFE) && referenced().contains(generation)) {
      return false;
    }
    plans.remove(generation);
    return true;
  }

  /** Legacy's clear: returns false when the guard refused to empty the endpoint. */
  boolean clear(String endpoint) {
    Rr r = rrsets.get(endpoint);
    if (r == null || r.addresses().isEmpty() || plans.containsKey(r.generation())) {
      return true;
    }
    if (guard) {
      return false;
    }
    rrsets.put(endpoint, new Rr(r.generation(), List.of()));
    return true;
  }

  Map<String, Long> appliedByEndpoint() {
    Map<String, Long> out = new HashMap<>();
    rrsets.forEach((k, v) -> out.put(k, v.generation()));
    return out;
  }
}
