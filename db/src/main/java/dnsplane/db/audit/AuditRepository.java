package dnsplane.db.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;

/**
 * AuditRepository reads the audit trail for the enactors' API (Micronaut Data JDBC). Appends stay
 * {@link AuditLog#append}: one statement per batch, inside the write they record.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AuditRepository extends GenericRepository<AuditRow, Long> {

  /**
   * The newest {@code limit} rows, newest first; {@code actor} null means every actor. Check the
   * arguments with {@link AuditLog#checkQuery} first.
   */
  @Query(
      "SELECT id, at, actor, action, generation, endpoint, previous_generation, new_generation,"
          + " detail FROM audit_log WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)"
          + " ORDER BY id DESC LIMIT :limit")
  List<AuditRow> recent(@Nullable String actor, int limit);
}
