package dnsplane.db.endpoint;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;

/**
 * EndpointRepository is the planner's CRUD on endpoints and targets (Micronaut Data JDBC). Called
 * inside a {@code MicronautTransactions} unit, it runs on that unit's connection. The bulk upsert
 * of endpoint definitions stays one unnest statement in {@link Endpoints}.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface EndpointRepository extends GenericRepository<EndpointRecord, String> {

  String ENDPOINTS =
      "SELECT e.name, z.name AS zone, e.ttl, e.guarded, e.deleted_at IS NOT NULL AS deleted,"
          + " e.fail_open_scope FROM endpoint e JOIN zone z ON z.id = e.zone_id";

  String TARGETS =
      "SELECT endpoint, host(address) AS address, weight, az, health_source, check_address,"
          + " healthy, health_changed_at FROM target";

  /** Live endpoints, by name. */
  @Query(ENDPOINTS + " WHERE e.deleted_at IS NULL ORDER BY e.name")
  List<EndpointRow> live();

  /** Live and deleted endpoints (plans unpublish the deleted ones), by name. */
  @Query(ENDPOINTS + " ORDER BY e.name")
  List<EndpointRow> liveAndDeleted();

  @Query(ENDPOINTS + " WHERE e.name = :name AND e.deleted_at IS NULL")
  List<EndpointRow> findLive(String name);

  @Query(TARGETS)
  List<TargetRow> targets();

  @Query(TARGETS + " WHERE endpoint = :endpoint")
  List<TargetRow> targetsOf(String endpoint);

  /** Targets whose health an active check decides, by endpoint and address. */
  @Query(TARGETS + " WHERE health_source <> 'report' ORDER BY endpoint, address")
  List<TargetRow> activelyChecked();

  /** Marks a live endpoint deleted; 0 when there is none. */
  @Query(
      "UPDATE endpoint SET deleted_at = :at, updated_at = :at"
          + " WHERE name = :name AND deleted_at IS NULL")
  long markDeleted(String name, Instant at);

  @Query("DELETE FROM target WHERE endpoint = :endpoint")
  long deleteTargets(String endpoint);

  /**
   * Sets a target's health when it differs and its health source is still the one given (so a
   * result from a check that was just reconfigured is dropped); 0 when nothing changed.
   */
  @Query(
      "UPDATE target SET healthy = :healthy, health_changed_at = :at WHERE endpoint = :endpoint"
          + " AND address = CAST(:address AS inet) AND healthy <> :healthy"
          + " AND health_source = :source"
          + " AND check_address IS NOT DISTINCT FROM CAST(:checkAddress AS text)")
  long setHealth(
      String endpoint,
      String address,
      String source,
      @Nullable String checkAddress,
      boolean healthy,
      Instant at);
}
