package dnsplane.db.endpoint;

/**
 * EndpointFamilies is what the operator configured for one endpoint, as a writer checks it: whether
 * it is deleted, and whether it has any IPv4 and any IPv6 target.
 */
public record EndpointFamilies(boolean deleted, boolean hasV4Target, boolean hasV6Target) {}
