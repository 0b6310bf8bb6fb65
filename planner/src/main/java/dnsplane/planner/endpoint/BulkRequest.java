package dnsplane.planner.endpoint;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * BulkRequest is the body of {@code PUT /v1/endpoints} as the client sent it, before validation:
 * {@code
 * {"endpoints":[{"name":"a.aws.test","ttl":60,"guarded":true,"failOpen":"family","targets":[...]},
 * ...]}}. Each element is the body of {@code PUT /v1/endpoints/{name}} plus its name.
 */
@Serdeable
public record BulkRequest(@Nullable List<Item> endpoints) {

  /** One endpoint as sent. */
  @Serdeable
  public record Item(
      @Nullable String name,
      @Nullable Integer ttl,
      @Nullable Boolean guarded,
      @Nullable Object failOpen,
      @Nullable List<EndpointRequest.TargetRequest> targets) {

    /**
     * The same endpoint as a single PUT's body, so both are validated by one {@link
     * EndpointSpec#from}.
     */
    public EndpointRequest body() {
      return new EndpointRequest(ttl, guarded, failOpen, targets);
    }
  }

  /** The answer: how many endpoints were created and replaced, and the one plan written. */
  @Serdeable
  public record Result(int created, int replaced, long generation) {}
}
