package dnsplane.resolver.cache;

/**
 * GuardState records a suspect empty answer for one question: when it was first seen, when upstream
 * is asked again, and how many times it has been asked.
 */
public record GuardState(long suspectSinceMillis, long nextRetryAtMillis, int retries) {}
