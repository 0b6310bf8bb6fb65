package dnsplane.planner.store;

import dnsplane.db.endpoint.EndpointDefinition;
import dnsplane.db.endpoint.EndpointRepository;
import dnsplane.db.endpoint.EndpointRow;
import dnsplane.db.endpoint.Endpoints;
import dnsplane.db.endpoint.TargetRow;
import dnsplane.planner.endpoint.Addresses;
import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EndpointStore reads and writes endpoints and targets in the planner's terms: CRUD through db's
 * {@link EndpointRepository} (Micronaut Data JDBC), the bulk upsert through {@link Endpoints}.
 * Every method runs inside a unit of {@link Database}: the repository finds that unit's connection
 * through Micronaut's context, the plain statements get it as {@code c}.
 */
@Singleton
public final class EndpointStore {

  /** A target with an active check, as the health checker sees it. */
  public record ActiveTarget(String endpoint, String address, HealthCheck check, boolean healthy) {}

  /** An endpoint to store, with the id of the zone that serves it. */
  public record Placed(EndpointSpec spec, long zoneId) {}

  private final EndpointRepository repository;

  public EndpointStore(EndpointRepository repository) {
    this.repository = repository;
  }

  /** Served zones by name → id. */
  public Map<String, Long> zones(Connection c) throws SQLException {
    return Endpoints.zones(c);
  }

  /** The live endpoints: what the API lists. */
  public List<Endpoint> all(Connection c) {
    return assemble(repository.live(), repository.targets());
  }

  /** Every endpoint a plan covers: the live ones and the deleted ones, which plans unpublish. */
  public List<Endpoint> allForPlanning(Connection c) throws SQLException {
    List<EndpointRow> rows = Endpoints.liveAndDeleted(c);
    Map<String, List<Target>> targets = new HashMap<>(rows.size() * 2);
    for (TargetRow t : Endpoints.targetsForPlanning(c)) {
      targets.computeIfAbsent(t.endpoint(), k -> new ArrayList<>(4)).add(target(t));
    }
    List<Endpoint> out = new ArrayList<>(rows.size());
    for (EndpointRow e : rows) {
      List<Target> ts = targets.get(e.name());
      if (ts == null) {
        ts = List.of();
      } else {
        // Here rather than in a walk of the map's values: one lookup less per endpoint.
        sortByAddress(ts);
      }
      out.add(
          new Endpoint(
              e.name(),
              e.zone(),
              e.ttl(),
              e.guarded(),
              ts,
              e.deleted(),
              FailOpenScope.parse(e.failOpenScope())));
    }
    return out;
  }

  /**
   * The live endpoints among {@code names}, by name: two statements bounded by the names (the
   * console reads only what its pages show, whatever the endpoint count).
   */
  public List<Endpoint> liveNamed(Connection c, Collection<String> names) throws SQLException {
    if (names.isEmpty()) {
      return List.of();
    }
    return assemble(Endpoints.liveNamed(c, names), Endpoints.targetsOf(c, names));
  }

  /** A live endpoint; a deleted one is not found. */
  public Optional<Endpoint> find(Connection c, String name) {
    return assemble(repository.findLive(name), repository.targetsOf(name)).stream().findFirst();
  }

  /**
   * {@link EndpointSpec#compareAddresses} for canonical addresses, without parsing IPv4 ones into
   * InetAddress objects: IPv4 before IPv6, IPv4 by numeric value (its four bytes unsigned).
   */
  private static final Comparator<Target> BY_ADDRESS =
      (x, y) -> {
        String a = x.address();
        String b = y.address();
        boolean v6a = Addresses.isV6(a);
        boolean v6b = Addresses.isV6(b);
        if (v6a != v6b) {
          return v6a ? 1 : -1;
        }
        if (v6a) {
          return EndpointSpec.compareAddresses(a, b);
        }
        return Long.compare(v4Value(a), v4Value(b));
      };

  /**
   * Sorts an endpoint's targets by {@link #BY_ADDRESS}, a few by insertion: List.sort's TimSort set
   * up per list took a good part of reading 100,000 endpoints of two or three targets each.
   */
  private static void sortByAddress(List<Target> ts) {
    if (ts.size() > 16) {
      ts.sort(BY_ADDRESS);
      return;
    }
    for (int i = 1; i < ts.size(); i++) {
      Target t = ts.get(i);
      int j = i - 1;
      while (j >= 0 && BY_ADDRESS.compare(ts.get(j), t) > 0) {
        ts.set(j + 1, ts.get(j));
        j--;
      }
      ts.set(j + 1, t);
    }
  }

  /** The numeric value of a canonical IPv4 address. */
  private static long v4Value(String canonical) {
    long value = 0;
    int octet = 0;
    for (int i = 0; i < canonical.length(); i++) {
      char ch = canonical.charAt(i);
      if (ch == '.') {
        value = (value << 8) | octet;
        octet = 0;
      } else {
        octet = octet * 10 + (ch - '0');
      }
    }
    return (value << 8) | octet;
  }

  private static List<Endpoint> assemble(List<EndpointRow> rows, List<TargetRow> targetRows) {
    Map<String, List<Target>> targets = new HashMap<>();
    for (TargetRow t : targetRows) {
      targets.computeIfAbsent(t.endpoint(), k -> new ArrayList<>()).add(target(t));
    }
    List<Endpoint> out = new ArrayList<>(rows.size());
    for (EndpointRow e : rows) {
      List<Target> ts = new ArrayList<>(targets.getOrDefault(e.name(), List.of()));
      ts.sort((a, b) -> EndpointSpec.compareAddresses(a.address(), b.address()));
      out.add(
          new Endpoint(
              e.name(),
              e.zone(),
              e.ttl(),
              e.guarded(),
              ts,
              e.deleted(),
              FailOpenScope.parse(e.failOpenScope())));
    }
    return out;
  }

  private static Target target(TargetRow t) {
    HealthCheck.Kind kind = HealthCheck.Kind.fromColumn(t.healthSource());
    HealthCheck check =
        kind == HealthCheck.Kind.REPORT
            ? HealthCheck.REPORTED
            : new HealthCheck(kind, t.checkAddress());
    return new Target(
        Addresses.canonical(t.address()),
        t.weight(),
        t.az(),
        check,
        t.healthy(),
        t.healthChangedAt());
  }

  /**
   * Creates or replaces an endpoint and its targets; see {@link Endpoints#replaceAll}. Returns true
   * when created.
   */
  public boolean replace(Connection c, EndpointSpec spec, long zoneId, Instant now)
      throws SQLException {
    return replaceAll(c, List.of(new Placed(spec, zoneId)), now) == 1;
  }

  /** Creates or replaces many endpoints; returns how many were created (or revived). */
  public int replaceAll(Connection c, List<Placed> endpoints, Instant now) throws SQLException {
    List<EndpointDefinition> rows = new ArrayList<>(endpoints.size());
    for (Placed p : endpoints) {
      EndpointSpec spec = p.spec();
      List<EndpointDefinition.Target> targets = new ArrayList<>(spec.targets().size());
      for (EndpointSpec.TargetSpec t : spec.targets()) {
        targets.add(
            new EndpointDefinition.Target(
                t.address(), t.weight(), t.az(), t.check().kind().column(), t.check().address()));
      }
      rows.add(
          new EndpointDefinition(
              spec.name(),
              p.zoneId(),
              spec.ttl(),
              spec.guarded(),
              spec.failOpenScope().value(),
              targets));
    }
    return Endpoints.replaceAll(c, rows, now);
  }

  /**
   * Marks a live endpoint deleted and drops its targets. The row stays: plans keep a deletion entry
   * for it, so enactors unpublish it, and a PUT of the name revives it. False when there is no live
   * endpoint of that name.
   */
  public boolean softDelete(Connection c, String name, Instant now) {
    if (repository.markDeleted(name, now) == 0) {
      return false;
    }
    repository.deleteTargets(name);
    return true;
  }

  /**
   * Sets a target's health when it differs and its health source is still {@code source} (so a
   * result from a check that was just reconfigured is dropped). Returns true when it changed.
   */
  public boolean setHealth(
      Connection c,
      String endpoint,
      String address,
      HealthCheck source,
      boolean healthy,
      Instant now) {
    return repository.setHealth(
            endpoint, address, source.kind().column(), source.address(), healthy, now)
        > 0;
  }

  public List<ActiveTarget> activeTargets(Connection c) {
    List<ActiveTarget> out = new ArrayList<>();
    for (TargetRow row : repository.activelyChecked()) {
      Target t = target(row);
      out.add(new ActiveTarget(row.endpoint(), t.address(), t.check(), t.healthy()));
    }
    return out;
  }
}
