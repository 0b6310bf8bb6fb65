package dnsplane.db.endpoint;

import io.micronaut.core.annotation.Introspected;

/** EndpointRow is one endpoint as the planner lists it: its zone's name, not its id. */
@Introspected
public record EndpointRow(
    String name, String zone, int ttl, boolean guarded, boolean deleted, String failOpenScope) {}
