package dnsplane.enactor.sim;

import dnsplane.enactor.rules.AddressFamily;
import dnsplane.enactor.rules.EndpointConfig;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.RrsetState;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ModelStore is the in-memory model of what Postgres holds for the simulation: plans, each
 * endpoint's targets (which address families the operator configured) and its address rrsets. Its
 * writes enforce what the SQL enforces (the compare-and-set in safe mode; with {@code guard} on,
 * the schema's guard triggers, per family as in V2).
 */
final class ModelStore {

  /** One endpoint's address rrsets: the generation they came from and each family's addresses. */
  record Rr(Long generation, List<String> v4, List<String> v6) {
    List<String> of(AddressFamily f) {
      return f == AddressFamily.V4 ? v4 : v6;
    }

    int size() {
      return v4.size() + v6.size();
    }
  }

  final TreeMap<Long, Map<String, PlanEntry>> plans = new TreeMap<>();
  final Map<String, Rr> rrsets = new TreeMap<>();
  final Map<String, Set<AddressFamily>> targets = new TreeMap<>();
  final boolean guard;
  long nextGeneration = 1;

  ModelStore(boolean guard) {
    this.guard = guard;
  }

  RrsetState state(String endpoint) {
    Rr r = rrsets.get(endpoint);
    return r == null
        ? RrsetState.ABSENT
        : new RrsetState(r.generation(), r.v4().size(), r.v6().size());
  }

  /** What the enactor reads from tables endpoint and target. */
  EndpointConfig config(String endpoint) {
    Set<AddressFamily> f = targets.getOrDefault(endpoint, Set.of());
    return new EndpointConfig(false, f.isEmpty() ? Set.of() : EnumSet.copyOf(f));
  }

  /** Returns false when the store refused (a lost compare-and-set or the guard). */
  boolean write(Mode mode, PlanEntry e) {
    Rr current = rrsets.get(e.endpoint());
    if (mode == Mode.SAFE
        && current != null
        && current.generation() != null
        && current.generation() >= e.generation()) {
      return false;
    }
    Rr next = new Rr(e.generation(), e.v4(), e.v6());
    if (guard && !guardAllows(e.endpoint(), next)) {
      return false;
    }
    rrsets.put(e.endpoint(), next);
    return true;
  }

  /** V2's guard: no empty endpoint, and no empty family while the endpoint has targets of it. */
  private boolean guardAllows(String endpoint, Rr r) {
    if (r.size() == 0) {
      return false;
    }
    for (AddressFamily f : config(endpoint).targetFamilies()) {
      if (r.of(f).isEmpty()) {
        return false;
      }
    }
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
    if (r == null || r.size() == 0 || plans.containsKey(r.generation())) {
      return true;
    }
    if (guard) {
      return false;
    }
    rrsets.put(endpoint, new Rr(r.generation(), List.of(), List.of()));
    return true;
  }

  Map<String, Long> appliedByEndpoint() {
    Map<String, Long> out = new HashMap<>();
    rrsets.forEach((k, v) -> out.put(k, v.generation()));
    return out;
  }
}
