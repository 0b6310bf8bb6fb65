package dnsplane.planner.endpoint;

import dnsplane.db.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * EndpointSpec is a validated endpoint definition: canonical name, TTL, guard, fail-open scope and
 * targets with canonical addresses. {@link #from} is the one place request bodies are checked.
 * PURE.
 */
public record EndpointSpec(
    String name, int ttl, boolean guarded, FailOpenScope failOpenScope, List<TargetSpec> targets) {

  public static final int DEFAULT_TTL = 60;
  public static final int MAX_TTL = 86_400;
  public static final int DEFAULT_WEIGHT = 100;
  public static final int MAX_WEIGHT = 1000;
  private static final Pattern AZ = Pattern.compile("[a-z0-9-]+");

  /** One validated target. */
  public record TargetSpec(String address, int weight, String az, HealthCheck check) {}

  /**
   * Validates a request for endpoint {@code rawName}.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  public static EndpointSpec from(String rawName, EndpointRequest req) {
    String name = Names.canonical(rawName);
    int ttl = req.ttl() == null ? DEFAULT_TTL : req.ttl();
    if (ttl < 0 || ttl > MAX_TTL) {
      throw new IllegalArgumentException("ttl " + ttl + " is out of range 0-" + MAX_TTL);
    }
    boolean guarded = req.guarded() == null || req.guarded();
    FailOpenScope scope = FailOpenScope.parse(req.failOpen());
    if (req.targets() == null || req.targets().isEmpty()) {
      throw new IllegalArgumentException(
          "endpoint " + name + " has no targets (at least one is required)");
    }
    Set<String> seen = new HashSet<>();
    List<TargetSpec> targets =
        req.targets().stream()
            .map(
                t -> {
                  if (t == null) {
                    throw new IllegalArgumentException("a target is null");
                  }
                  TargetSpec spec = target(t);
                  if (!seen.add(spec.address())) {
                    throw new IllegalArgumentException("duplicate target " + spec.address());
                  }
                  return spec;
                })
            .sorted(
                java.util.Comparator.comparing(TargetSpec::address, EndpointSpec::compareAddresses))
            .toList();
    return new EndpointSpec(name, ttl, guarded, scope, targets);
  }

  private static TargetSpec target(EndpointRequest.TargetRequest t) {
    String address = Addresses.canonical(t.address());
    int weight = t.weight() == null ? DEFAULT_WEIGHT : t.weight();
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight " + weight + " of target " + address + " is out of range 0-" + MAX_WEIGHT);
    }
    if (t.az() == null || !AZ.matcher(t.az()).matches()) {
      throw new IllegalArgumentException(
          "target "
              + address
              + " needs an az of lower-case letters, digits and '-', got "
              + t.az());
    }
    return new TargetSpec(address, weight, t.az(), check(address, t.check()));
  }

  private static HealthCheck check(String target, EndpointRequest.CheckRequest c) {
    if (c == null || c.kind() == null || c.kind().equals("report")) {
      return HealthCheck.REPORTED;
    }
    switch (c.kind()) {
      case "tcp":
        try {
          return new HealthCheck(HealthCheck.Kind.TCP, CheckTargets.tcp(c.address()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("tcp check of " + target + ": " + e.getMessage());
        }
      case "http":
        try {
          return new HealthCheck(HealthCheck.Kind.HTTP, CheckTargets.httpUrl(c.url()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("http check of " + target + ": " + e.getMessage());
        }
      default:
        throw new IllegalArgumentException(
            "check kind of " + target + " must be tcp, http or null, got " + c.kind());
    }
  }

  /** Address order as PostgreSQL sorts inet: IPv4 before IPv6, then numerically. */
  public static int compareAddresses(String a, String b) {
    byte[] x = bytes(a);
    byte[] y = bytes(b);
    if (x.length != y.length) {
      return Integer.compare(x.length, y.length);
    }
    return java.util.Arrays.compareUnsigned(x, y);
  }

  private static byte[] bytes(String canonical) {
    try {
      return java.net.InetAddress.getByName(canonical).getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not a canonical address: " + canonical, e);
    }
  }
}
