package dnsplane.planner.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * ApiProperties is {@code dnsplane.api.*}, which every dnsplane service shares.
 *
 * @param token the bearer token mutating calls need (DNSPLANE_API_TOKEN); unset or blank: no
 *     authentication, and the planner listens on loopback only
 */
@ConfigurationProperties("dnsplane.api")
public record ApiProperties(@Nullable String token) {}
