package dnsplane.planner.endpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * EndpointView is an endpoint as the API shows it; {@code failOpen} is its {@link FailOpenScope}
 * ({@code "family"} or {@code "endpoint"}); {@code generation} is the plan a mutating call wrote
 * (null when it wrote none, and on reads).
 */
@Serdeable
public record EndpointView(
    String name,
    String zone,
    int ttl,
    boolean guarded,
    String failOpen,
    List<TargetView> targets,
    @Nullable Long generation) {

  /** A target as the API shows it. */
  @Serdeable
  public record TargetView(
      String address,
      int weight,
      String az,
      @Nullable CheckView check,
      boolean healthy,
      String healthChangedAt) {}

  /**
   * An active check: {@code {"kind":"tcp","address":"127.0.0.1:9000"}} or {@code
   * {"kind":"http","url":...}}.
   */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CheckView(String kind, @Nullable String address, @Nullable String url) {}

  public static EndpointView of(Endpoint e, Long generation) {
    return new EndpointView(
        e.name(),
        e.zone(),
        e.ttl(),
        e.guarded(),
        e.failOpenScope().value(),
        e.targets().stream()
            .map(
                t ->
                    new TargetView(
                        t.address(),
                        t.weight(),
                        t.az(),
                        check(t.check()),
                        t.healthy(),
                        t.healthChangedAt().toString()))
            .toList(),
        generation);
  }

  private static CheckView check(HealthCheck c) {
    switch (c.kind()) {
      case TCP:
        return new CheckView("tcp", c.address(), null);
      case HTTP:
        return new CheckView("http", null, c.address());
      default:
        return null;
    }
  }
}
