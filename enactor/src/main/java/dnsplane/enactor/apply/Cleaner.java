package dnsplane.enactor.apply;

import dnsplane.db.Transactions;
import dnsplane.db.audit.AuditLog;
import dnsplane.db.audit.AuditRow;
import dnsplane.db.plan.PlanDeletes;
import dnsplane.db.plan.PlanLocks;
import dnsplane.db.rrset.Refusals;
import dnsplane.enactor.rules.CleanupRule;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.store.RrsetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleaner runs the cleanup step after a plan is applied: keep the newest K plans; safe mode also
 * keeps every plan an rrset still holds, and first locks the plans it means to delete so that it
 * waits for every safe write of them in flight (see {@link PlanLocks}); legacy deletes regardless,
 * without waiting for anyone, and then empties the rrsets that point at a deleted plan (the 2025
 * step that emptied the regional endpoint).
 */
final class Cleaner {

  private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

  /** What one cleanup did. */
  record Tally(int deleted, int keptReferenced, int cleared, int guardRefused) {}

  private final String az;
  private final Transactions tx;
  private final PlanStore plans;
  private final RrsetStore rrsets = new RrsetStore();

  Cleaner(String az, DataSource ds, PlanStore plans) {
    this(az, Transactions.over(ds), plans);
  }

  Cleaner(String az, Transactions tx, PlanStore plans) {
    this.az = Objects.requireNonNull(az, "az");
    this.tx = Objects.requireNonNull(tx, "tx");
    this.plans = Objects.requireNonNull(plans, "plans");
  }

  Tally cleanup(Mode mode, int keep) throws SQLException {
    return mode == Mode.SAFE ? safe(keep) : legacy(keep);
  }

  private Tally safe(int keep) throws SQLException {
    return tx.write(
        c -> {
          // The lock-then-recheck below needs a new snapshot per statement: say so rather than
          // trust
          // whatever isolation the connection was left at.
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          Set<Long> all = plans.generations();
          Set<Long> referenced = rrsets.referencedGenerations(c);
          List<Long> deletable = CleanupRule.deletablePlans(Mode.SAFE, all, keep, referenced);
          // The snapshot above cannot see a write of these plans that has not committed yet.
          // Locking
          // them waits for such writes; the DELETE, a new statement, then checks references again
          // with a snapshot that sees them.
          List<Long> locked = PlanLocks.lockForCleanup(c, deletable);
          List<Long> deleted = PlanDeletes.deleteUnreferenced(c, locked);
          Set<Long> old =
              new TreeSet<>(CleanupRule.deletablePlans(Mode.LEGACY, all, keep, Set.of()));
          old.removeAll(deleted);
          List<AuditRow> audit = new ArrayList<>();
          for (Long g : deleted) {
            audit.add(
                AuditRow.of(
                    az,
                    "cleanup_delete",
                    g,
                    null,
                    null,
                    null,
                    "older than the newest " + keep + " and unreferenced"));
          }
          for (Long g : old) {
            audit.add(
                AuditRow.of(
                    az,
                    "cleanup_keep_referenced",
                    g,
                    null,
                    null,
                    null,
                    "older than the newest " + keep + " but an rrset still holds it"));
          }
          AuditLog.append(c, audit);
          return new Tally(deleted.size(), old.size(), 0, 0);
        });
  }

  private Tally legacy(int keep) throws SQLException {
    int deleted = 0;
    int refused = 0;
    int cleared = 0;
    for (Long g : CleanupRule.deletablePlans(Mode.LEGACY, plans.generations(), keep, Set.of())) {
      try {
        boolean gone =
            tx.write(
                c -> {
                  boolean d = PlanDeletes.delete(c, g);
                  if (d) {
                    AuditLog.append(
                        c,
                        List.of(
                            AuditRow.of(
                                az,
                                "cleanup_delete",
                                g,
                                null,
                                null,
                                null,
                                "older than the newest "
                                    + keep
                                    + " (legacy: references not checked)")));
                  }
                  return d;
                });
        deleted += gone ? 1 : 0;
      } catch (SQLException e) {
        if (!Refusals.guard(e)) {
          throw e;
        }
        refused++;
        audit(
            AuditRow.of(
                az, "guard_refused", g, null, null, null, RrsetWriter.firstLine(e.getMessage())));
      }
    }
    Map<String, Long> applied = tx.write(rrsets::appliedByEndpoint);
    for (String endpoint :
        CleanupRule.endpointsToClear(Mode.LEGACY, applied, plans.generations())) {
      Long held = applied.get(endpoint);
      try {
        int n =
            tx.write(
                c -> {
                  int rows = rrsets.clearIfPlanDeleted(c, endpoint);
                  if (rows > 0) {
                    AuditLog.append(
                        c,
                        List.of(
                            AuditRow.of(
                                az,
                                "cleanup_clear",
                                held,
                                endpoint,
                                held,
                                null,
                                "legacy: the rrsets point at deleted plan "
                                    + held
                                    + "; records cleared")));
                  }
                  return rows;
                });
        if (n > 0) {
          cleared++;
          log.warn(
              "{}: legacy cleanup emptied {} (it pointed at deleted plan {})", az, endpoint, held);
        }
      } catch (SQLException e) {
        if (!Refusals.guard(e)) {
          throw e;
        }
        refused++;
        log.warn("{}: database guard refused to empty {}: {}", az, endpoint, e.getMessage());
        audit(
            AuditRow.of(
                az,
                "guard_refused",
                held,
                endpoint,
                held,
                null,
                RrsetWriter.firstLine(e.getMessage())));
      }
    }
    return new Tally(deleted, 0, cleared, refused);
  }

  private void audit(AuditRow e) throws SQLException {
    tx.write(
        c -> {
          AuditLog.append(c, List.of(e));
          return null;
        });
  }
}
