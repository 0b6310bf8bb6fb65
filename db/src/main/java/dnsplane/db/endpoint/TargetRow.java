package dnsplane.db.endpoint;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * TargetRow is one target of an endpoint: {@code address} in PostgreSQL's text form ({@code
 * host(address)}); {@code healthSource} "report", "tcp" or "http"; {@code checkAddress} what an
 * active check probes, null for reported health.
 */
@Introspected
public record TargetRow(
    String endpoint,
    String address,
    int weight,
    String az,
    String healthSource,
    @Nullable String checkAddress,
    boolean healthy,
    Instant healthChangedAt) {}
