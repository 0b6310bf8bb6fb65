package dnsplane.db.endpoint;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** EndpointRecord names the table {@link EndpointRepository} is about; its queries are its own. */
@MappedEntity("endpoint")
public record EndpointRecord(@Id String name) {}
