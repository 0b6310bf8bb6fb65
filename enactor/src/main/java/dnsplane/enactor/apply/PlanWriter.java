package dnsplane.enactor.apply;

import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.RrsetState;
import dnsplane.enactor.rules.WriteDecision;
import dnsplane.enactor.rules.WriteRule;
import dnsplane.enactor.store.AuditEntry;
import dnsplane.enactor.store.AuditLog;
import dnsplane.enactor.store.RrsetStore;
import dnsplane.enactor.store.Sql;
import dnsplane.enactor.store.ZoneIndex;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PlanWriter writes a plan's entries to their rrsets in batches: the pure {@link WriteRule} decides
 * per endpoint, the SQL compare-and-set decides again, and every outcome is audited in the same
 * transaction as the write. An injected delay on an endpoint is honoured just before it is written.
 */
final class PlanWriter {

  private static final Logger log = LoggerFactory.getLogger(PlanWriter.class);

  /** What writing a plan (or part of it) did; {@code written} feeds verification. */
  record Result(WriteTally tally, List<PlanEntry> written) {}

  private final String az;
  private final DataSource ds;
  private final RrsetStore rrsets = new RrsetStore();
  private final Faults faults;
  private final int batchSize;

  PlanWriter(String az, DataSource ds, Faults faults, int batchSize) {
    this.az = Objects.requireNonNull(az, "az");
    this.ds = Objects.requireNonNull(ds, "ds");
    this.faults = Objects.requireNonNull(faults, "faults");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** Writes every entry, in plan order, waiting first on endpoints with an injected delay. */
  Result write(Mode mode, List<PlanEntry> entries, ZoneIndex zones)
      throws SQLException, InterruptedException {
    WriteTally tally = WriteTally.NONE;
    List<PlanEntry> written = new ArrayList<>();
    List<PlanEntry> batch = new ArrayList<>();
    for (PlanEntry e : entries) {
      Duration delay = faults.delayFor(e.endpoint());
      if (delay != null) {
        tally = tally.plus(flush(mode, batch, zones, written));
        batch.clear();
        audit(AuditEntry.of(az, "delay_wait", e.generation(), e.endpoint(), null, null,
            "waiting up to " + delay + " before writing"));
        Faults.WaitEnd end = faults.await(e.endpoint(), e.generation(), delay);
        log.info("{}: delay on {} with plan {} ended: {}", az, e.endpoint(), e.generation(), end);
        tally = tally.plus(flush(mode, List.of(e), zones, written));
        continue;
      }
      batch.add(e);
      if (batch.size() >= batchSize) {
        tally = tally.plus(flush(mode, batch, zones, written));
        batch.clear();
      }
    }
    tally = tally.plus(flush(mode, batch, zones, written));
    return new Result(tally, written);
  }

  private WriteTally flush(Mode mode, List<PlanEntry> batch, ZoneIndex zones, List<PlanEntry> out)
      throws SQLException {
    if (batch.isEmpty()) {
      return WriteTally.NONE;
    }
    List<PlanEntry> written = new ArrayList<>();
    try {
      WriteTally t = Sql.inTransaction(ds, c -> {
        written.clear();
        return writeBatch(c, mode, batch, zones, written);
      });
      out.addAll(written);
      return t;
    } catch (SQLException e) {
      if (!Sql.guardRefusal(e)) {
        throw e;
      }
      if (batch.size() > 1) {
        // The deferred guard refuses the whole commit; one endpoint per transaction finds which.
        WriteTally t = WriteTally.NONE;
        for (PlanEntry one : batch) {
          t = t.plus(flush(mode, List.of(one), zones, out));
        }
        return t;
      }
      PlanEntry one = batch.get(0);
      log.warn("{}: database guard refused plan {} for {}: {}", az, one.generation(),
          one.endpoint(), e.getMessage());
      audit(AuditEntry.of(az, "guard_refused", one.generation(), one.endpoint(), null,
          one.generation(), firstLine(e.getMessage())));
      return new WriteTally(0, 0, 0, 0, 1, 0);
    }
  }

  private WriteTally writeBatch(
      Connection c, Mode mode, List<PlanEntry> batch, ZoneIndex zones, List<PlanEntry> written)
      throws SQLException {
    Map<String, RrsetState> states =
        rrsets.states(c, batch.stream().map(PlanEntry::endpoint).toList());
    List<PlanEntry> toWrite = new ArrayList<>();
    List<AuditEntry> audit = new ArrayList<>();
    int stale = 0;
    int unchanged = 0;
    int empty = 0;
    int noZone = 0;
    for (PlanEntry e : batch) {
      RrsetState s = states.get(e.endpoint());
      WriteDecision d = WriteRule.decide(mode, s, e);
      if (d instanceof WriteDecision.Write) {
        toWrite.add(e);
      } else if (d instanceof WriteDecision.SkipStale skip) {
        stale++;
        audit.add(AuditEntry.of(az, "stale_skip", e.generation(), e.endpoint(),
            skip.currentGeneration(), e.generation(), "a newer plan is already applied"));
      } else if (d instanceof WriteDecision.RejectEmpty) {
        empty++;
        audit.add(AuditEntry.of(az, "empty_rejected", e.generation(), e.endpoint(),
            s.appliedGeneration(), e.generation(), "plan entry has no address"));
      } else {
        unchanged++;
      }
    }
    Set<String> done = rrsets.write(c, mode, toWrite, zones);
    List<String> lost = toWrite.stream().map(PlanEntry::endpoint)
        .filter(n -> !done.contains(n)).toList();
    // A lost compare-and-set: another enactor committed this plan or a newer one meanwhile.
    Map<String, RrsetState> now = lost.isEmpty() ? Map.of() : rrsets.states(c, lost);
    int ok = 0;
    for (PlanEntry e : toWrite) {
      Long prev = states.get(e.endpoint()).appliedGeneration();
      Long held = now.containsKey(e.endpoint()) ? now.get(e.endpoint()).appliedGeneration() : null;
      if (done.contains(e.endpoint())) {
        ok++;
        written.add(e);
        audit.add(AuditEntry.of(az, "write", e.generation(), e.endpoint(), prev, e.generation(),
            mode.wire() + " A=" + e.v4().size() + " AAAA=" + e.v6().size()));
      } else if (zones.zoneFor(e.endpoint()) == null) {
        noZone++;
        audit.add(AuditEntry.of(az, "no_zone", e.generation(), e.endpoint(), prev, null,
            "no served zone contains this name"));
      } else if (held != null && held == e.generation()) {
        unchanged++;
      } else {
        stale++;
        audit.add(AuditEntry.of(az, "stale_skip", e.generation(), e.endpoint(), held,
            e.generation(), "lost the compare-and-set to a newer plan"));
      }
    }
    AuditLog.append(c, audit);
    return new WriteTally(ok, stale, unchanged, empty, 0, noZone);
  }

  private void audit(AuditEntry entry) throws SQLException {
    Sql.inTransaction(ds, c -> {
      AuditLog.append(c, List.of(entry));
      return null;
    });
  }

  static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
