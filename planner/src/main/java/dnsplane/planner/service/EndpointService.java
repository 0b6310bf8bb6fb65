package dnsplane.planner.service;

import dnsplane.db.Names;
import dnsplane.planner.endpoint.Addresses;
import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.EndpointRequest;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.endpoint.Target;
import dnsplane.planner.service.ServiceException.Conflict;
import dnsplane.planner.service.ServiceException.Invalid;
import dnsplane.planner.service.ServiceException.NotFound;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.VelocityStore;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * EndpointService carries out the endpoint API: every change goes through {@link PlanWriter} so
 * that it and the plan it causes commit together, or not at all.
 */
@Singleton
public final class EndpointService {

  /** The result of a PUT: the endpoint, whether it was new, and the plan written. */
  public record Put(EndpointView endpoint, boolean created) {}

  /** The answer to a DELETE: the endpoint's canonical name and the plan that unpublishes it. */
  @Serdeable
  public record Deleted(String deleted, long generation) {}

  private final Database db;
  private final EndpointStore store;
  private final VelocityStore velocity;
  private final PlanWriter writer;

  public EndpointService(
      Database db, EndpointStore store, VelocityStore velocity, PlanWriter writer) {
    this.db = db;
    this.store = store;
    this.velocity = velocity;
    this.writer = writer;
  }

  public List<EndpointView> list() {
    return db.read(store::all).stream().map(e -> EndpointView.of(e, null)).toList();
  }

  public EndpointView get(String rawName) {
    String name = canonicalName(rawName);
    return EndpointView.of(
        db.read(c -> store.find(c, name)).orElseThrow(() -> unknown(name)), null);
  }

  public Put put(String rawName, EndpointRequest request) {
    EndpointSpec spec;
    try {
      spec = EndpointSpec.from(rawName, request);
    } catch (IllegalArgumentException e) {
      throw new Invalid(e.getMessage());
    }
    PlanWriter.Outcome<Boolean> out =
        writer.run(
            "endpoint " + spec.name() + " put",
            true,
            (c, now) -> {
              Map<String, Long> zones = store.zones(c);
              String zone =
                  Names.zoneOf(spec.name(), zones.keySet())
                      .orElseThrow(
                          () ->
                              new Invalid(
                                  "name "
                                      + spec.name()
                                      + " is outside every served zone "
                                      + zones.keySet()));
              return store.replace(c, spec, zones.get(zone), now);
            });
    Endpoint stored = db.read(c -> store.find(c, spec.name())).orElseThrow();
    return new Put(EndpointView.of(stored, out.generation()), out.value());
  }

  /**
   * Deletes the endpoint through a plan: the endpoint is marked deleted, its targets and velocity
   * history go, and the plan written in the same transaction carries its deletion entry, so
   * enactors unpublish it (rather than leave its last addresses served, unguarded, forever).
   */
  public Deleted delete(String rawName) {
    String name = canonicalName(rawName);
    long generation =
        writer
            .run(
                "endpoint " + name + " deleted",
                true,
                (c, now) -> {
                  if (!store.softDelete(c, name, now)) {
                    throw unknown(name);
                  }
                  velocity.forget(c, name);
                  return null;
                })
            .generation();
    return new Deleted(name, generation);
  }

  /** Stores a reported health; a plan is written only if what the plan says changes. */
  public EndpointView reportHealth(String rawName, String rawAddress, boolean healthy) {
    String name = canonicalName(rawName);
    String address;
    try {
      address = Addresses.canonical(rawAddress);
    } catch (IllegalArgumentException e) {
      throw new Invalid(e.getMessage());
    }
    PlanWriter.Outcome<Endpoint> out =
        writer.run(
            "health report: " + address + " of " + name + (healthy ? " healthy" : " unhealthy"),
            false,
            (c, now) -> {
              Endpoint e = store.find(c, name).orElseThrow(() -> unknown(name));
              Target t =
                  e.targets().stream()
                      .filter(x -> x.address().equals(address))
                      .findFirst()
                      .orElseThrow(
                          () -> new NotFound("endpoint " + name + " has no target " + address));
              if (t.check().active()) {
                throw new Conflict(
                    "target "
                        + address
                        + " of "
                        + name
                        + " is checked actively ("
                        + t.check().kind().column()
                        + " "
                        + t.check().address()
                        + "); its health cannot be reported");
              }
              store.setHealth(c, name, address, t.check(), healthy, now);
              return e;
            });
    Endpoint stored = db.read(c -> store.find(c, name)).orElseThrow(() -> unknown(name));
    return EndpointView.of(stored, out.generation());
  }

  private static String canonicalName(String raw) {
    try {
      return Names.canonical(raw);
    } catch (IllegalArgumentException e) {
      throw new Invalid(e.getMessage());
    }
  }

  private static NotFound unknown(String name) {
    return new NotFound("unknown endpoint " + name);
  }
}
