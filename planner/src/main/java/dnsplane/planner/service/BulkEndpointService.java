package dnsplane.planner.service;

import dnsplane.db.Names;
import dnsplane.planner.endpoint.BulkRequest;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.service.ServiceException.Invalid;
import dnsplane.planner.service.ServiceException.Malformed;
import dnsplane.planner.service.ServiceException.TooLarge;
import dnsplane.planner.store.EndpointStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BulkEndpointService carries out {@code PUT /v1/endpoints}: many endpoints created or replaced in
 * one transaction that writes one plan. A single PUT per endpoint would write N plans of up to N
 * entries each (O(N²) rows); this writes N endpoints and one plan. All or nothing: every element is
 * validated before anything is stored, and a problem found inside the transaction rolls it back. An
 * upsert, not a sync: endpoints the request does not list are left alone (never deleted).
 */
@Singleton
public final class BulkEndpointService {

  /** Most endpoints one request may carry; larger fleets are sent in several requests. */
  public static final int MAX_ENDPOINTS = 10_000;

  private final EndpointStore store;
  private final PlanWriter writer;

  public BulkEndpointService(EndpointStore store, PlanWriter writer) {
    this.store = store;
    this.writer = writer;
  }

  public BulkRequest.Result put(BulkRequest request) {
    List<EndpointSpec> specs = validate(request);
    PlanWriter.Outcome<Integer> out =
        writer.run(
            "bulk put of " + specs.size() + " endpoints",
            true,
            (c, now) -> {
              Map<String, Long> zones = store.zones(c);
              List<EndpointStore.Placed> placed = new ArrayList<>(specs.size());
              for (int i = 0; i < specs.size(); i++) {
                EndpointSpec spec = specs.get(i);
                int index = i;
                String zone =
                    Names.zoneOf(spec.name(), zones.keySet())
                        .orElseThrow(
                            () ->
                                new Invalid(
                                    element(index, request.endpoints().get(index).name())
                                        + ": name "
                                        + spec.name()
                                        + " is outside every served zone "
                                        + zones.keySet()));
                placed.add(new EndpointStore.Placed(spec, zones.get(zone)));
              }
              return store.replaceAll(c, placed, now);
            });
    return new BulkRequest.Result(out.value(), specs.size() - out.value(), out.generation());
  }

  /** Checks every element as a single PUT would, plus the request's shape, size and duplicates. */
  private static List<EndpointSpec> validate(BulkRequest request) {
    List<BulkRequest.Item> items = request.endpoints();
    if (items == null) {
      throw new Malformed(
          "body must be {\"endpoints\": [{\"name\": ..., \"targets\": [...]}, ...]}");
    }
    if (items.isEmpty()) {
      throw new Malformed("endpoints is empty: list at least one endpoint");
    }
    if (items.size() > MAX_ENDPOINTS) {
      throw new TooLarge(
          items.size()
              + " endpoints in one request; at most "
              + MAX_ENDPOINTS
              + ", send the rest in another");
    }
    List<EndpointSpec> specs = new ArrayList<>(items.size());
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      BulkRequest.Item item = items.get(i);
      if (item == null) {
        throw new Malformed("endpoints[" + i + "] is null");
      }
      EndpointSpec spec;
      try {
        spec = EndpointSpec.from(item.name(), item.body());
      } catch (IllegalArgumentException e) {
        throw new Invalid(element(i, item.name()) + ": " + e.getMessage());
      }
      Integer earlier = firstIndex.putIfAbsent(spec.name(), i);
      if (earlier != null) {
        throw new Malformed(
            element(i, item.name())
                + ": duplicate name "
                + spec.name()
                + ", already endpoints["
                + earlier
                + "]");
      }
      specs.add(spec);
    }
    return specs;
  }

  private static String element(int i, String name) {
    return "endpoints[" + i + "] (" + name + ")";
  }
}
