package dnsplane.planner.endpoint;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * EndpointRequest is the body of {@code PUT /v1/endpoints/{name}} as the client sent it, before
 * validation: {@code
 * {"ttl":60,"guarded":true,"failOpen":"family","targets":[{"address":"192.0.2.10",
 * "weight":100,"az":"az-a","check":null}]}}. {@code failOpen} is the {@link FailOpenScope}: any
 * JSON value here, so that {@link EndpointSpec#from} can refuse a non-string one naming the field.
 */
@Serdeable
public record EndpointRequest(
    @Nullable Integer ttl,
    @Nullable Boolean guarded,
    @Nullable Object failOpen,
    @Nullable List<TargetRequest> targets) {

  /** One target as sent. */
  @Serdeable
  public record TargetRequest(
      @Nullable String address,
      @Nullable Integer weight,
      @Nullable String az,
      @Nullable CheckRequest check) {}

  /**
   * A health check as sent: {@code {"kind":"tcp","address":"127.0.0.1:9000"}} or kind http with
   * url.
   */
  @Serdeable
  public record CheckRequest(
      @Nullable String kind, @Nullable String address, @Nullable String url) {}

  /** The body of {@code PUT .../targets/{address}/health}. */
  @Serdeable
  public record HealthReport(@Nullable Boolean healthy) {}
}
