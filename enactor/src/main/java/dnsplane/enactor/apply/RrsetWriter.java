package dnsplane.enactor.apply;

import dnsplane.db.Transactions;
import dnsplane.db.audit.AuditLog;
import dnsplane.db.audit.AuditRow;
import dnsplane.db.plan.PlanLocks;
import dnsplane.db.rrset.Refusals;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.enactor.rules.AddressFamily;
import dnsplane.enactor.rules.EndpointConfig;
import dnsplane.enactor.rules.EntryRdata;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.Published;
import dnsplane.enactor.rules.RrsetState;
import dnsplane.enactor.rules.WriteDecision;
import dnsplane.enactor.rules.WriteRule;
import dnsplane.enactor.store.EndpointConfigs;
import dnsplane.enactor.store.RrsetStore;
import dnsplane.enactor.verify.Expectation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RrsetWriter writes a plan's entries to their rrsets in batches: the pure {@link WriteRule}
 * decides per endpoint, the SQL compare-and-set decides again, and every outcome is audited in the
 * same transaction as the write. An injected delay on an endpoint is honoured just before it is
 * written.
 *
 * <p>A safe batch is one transaction of a fixed number of statements, whatever its size: lock the
 * plan row (FOR KEY SHARE, so safe cleanup cannot delete the plan under the write), take the
 * change-log lock every rrset writer takes (so nothing changes the rrsets between the read and the
 * write), read what the endpoints' rrsets publish now (the rules judge it, and the {@code _plan}
 * marker stays as it is when the addresses do), read the endpoints' configuration (deleted? target
 * families?), write, audit.
 */
final class RrsetWriter {

  private static final Logger log = LoggerFactory.getLogger(RrsetWriter.class);

  /**
   * What writing a plan (or part of it) did; {@code written} (entries whose addresses were written,
   * deletions excluded, each with the marker generation the write left) feeds verification.
   */
  record Result(WriteTally tally, List<Expectation> written) {}

  private final String az;
  private final Transactions tx;
  private final RrsetStore rrsets = new RrsetStore();
  private final Faults faults;
  private final int batchSize;

  RrsetWriter(String az, DataSource ds, Faults faults, int batchSize) {
    this(az, Transactions.over(ds), faults, batchSize);
  }

  RrsetWriter(String az, Transactions tx, Faults faults, int batchSize) {
    this.az = Objects.requireNonNull(az, "az");
    this.tx = Objects.requireNonNull(tx, "tx");
    this.faults = Objects.requireNonNull(faults, "faults");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * Writes every entry, in plan order, waiting first on endpoints with an injected delay. The
   * entries must come from one plan (one generation: one plan row to lock per transaction).
   */
  Result write(Mode mode, List<PlanEntry> entries, ZoneIndex zones)
      throws SQLException, InterruptedException {
    if (entries.stream().map(PlanEntry::generation).distinct().count() > 1) {
      throw new IllegalArgumentException("entries of more than one plan");
    }
    WriteTally tally = WriteTally.NONE;
    List<Expectation> written = new ArrayList<>();
    List<PlanEntry> batch = new ArrayList<>();
    for (PlanEntry e : entries) {
      Duration delay = faults.delayFor(e.endpoint());
      if (delay != null) {
        tally = tally.plus(flush(mode, batch, zones, written));
        batch.clear();
        audit(
            AuditRow.of(
                az,
                "delay_wait",
                e.generation(),
                e.endpoint(),
                null,
                null,
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

  private WriteTally flush(Mode mode, List<PlanEntry> batch, ZoneIndex zones, List<Expectation> out)
      throws SQLException {
    if (batch.isEmpty()) {
      return WriteTally.NONE;
    }
    List<Expectation> written = new ArrayList<>();
    try {
      WriteTally t =
          tx.write(
              c -> {
                written.clear();
                return writeBatch(c, mode, batch, zones, written);
              });
      out.addAll(written);
      return t;
    } catch (SQLException e) {
      Outcome refused = refusal(e);
      if (refused == null) {
        throw e;
      }
      if (batch.size() > 1) {
        // The deferred guard refuses the whole commit, the rdata CHECK the whole statement: halve
        // the batch until the entries at fault stand alone, and write everything else.
        int half = batch.size() / 2;
        return flush(mode, batch.subList(0, half), zones, out)
            .plus(flush(mode, batch.subList(half, batch.size()), zones, out));
      }
      PlanEntry one = batch.get(0);
      log.warn(
          "{}: the database refused plan {} for {} ({}): {}",
          az,
          one.generation(),
          one.endpoint(),
          refused.action(),
          e.getMessage());
      audit(
          AuditRow.of(
              az,
              refused.action(),
              one.generation(),
              one.endpoint(),
              null,
              one.generation(),
              firstLine(e.getMessage())));
      return WriteTally.of(refused, 1);
    }
  }

  /** What a refusal by the schema means for the entry; null when it is no refusal. */
  private static Outcome refusal(SQLException e) {
    if (Refusals.invalidRdata(e)) {
      return Outcome.INVALID_ENTRY;
    }
    return Refusals.guard(e) ? Outcome.GUARD_REFUSED : null;
  }

  private WriteTally writeBatch(
      Connection c, Mode mode, List<PlanEntry> batch, ZoneIndex zones, List<Expectation> written)
      throws SQLException {
    long generation = batch.get(0).generation();
    if (mode == Mode.SAFE && !PlanLocks.lockForWrite(c, generation)) {
      return skipDeletedPlan(c, batch);
    }
    List<String> names = batch.stream().map(PlanEntry::endpoint).toList();
    // The change-log lock until commit: the decisions below and the marker rule see exactly what
    // the write replaces (no other writer can commit an rrset in between).
    rrsets.lockChangeLog(c);
    Map<String, Published> published = rrsets.published(c, names);
    Map<String, RrsetState> states = new HashMap<>();
    published.forEach((name, p) -> states.put(name, p.state()));
    // Legacy trusts the plan, as in 2025: it reads no configuration and writes unconditionally.
    Map<String, EndpointConfig> configs =
        mode == Mode.SAFE ? EndpointConfigs.read(c, names) : Map.of();
    List<RrsetStore.Write> toWrite = new ArrayList<>();
    List<AuditRow> audit = new ArrayList<>();
    WriteTally tally = WriteTally.NONE;
    for (PlanEntry e : batch) {
      RrsetState s = states.get(e.endpoint());
      WriteDecision d =
          WriteRule.decide(mode, s, e, configs.getOrDefault(e.endpoint(), EndpointConfig.NONE));
      Outcome o = outcome(d);
      if (o == Outcome.WRITE) {
        toWrite.add(new RrsetStore.Write(e, EntryRdata.of(mode, e, published.get(e.endpoint()))));
        continue;
      }
      tally = tally.plus(WriteTally.of(o, 1));
      if (o != Outcome.UNCHANGED) {
        audit.add(
            AuditRow.of(
                az,
                o.action(),
                e.generation(),
                e.endpoint(),
                s.appliedGeneration(),
                e.generation(),
                why(d, s)));
      }
    }
    // What the read above found absent is inserted without first being tried as an update.
    Set<String> done = rrsets.write(c, mode, toWrite, zones, published);
    List<String> lost =
        toWrite.stream().map(w -> w.entry().endpoint()).filter(n -> !done.contains(n)).toList();
    // A lost compare-and-set: another enactor committed this plan or a newer one meanwhile.
    Map<String, RrsetState> now = lost.isEmpty() ? Map.of() : rrsets.states(c, lost);
    for (RrsetStore.Write w : toWrite) {
      PlanEntry e = w.entry();
      Long prev = states.get(e.endpoint()).appliedGeneration();
      Long held = now.containsKey(e.endpoint()) ? now.get(e.endpoint()).appliedGeneration() : null;
      Outcome o;
      if (done.contains(e.endpoint())) {
        o = e.deleted() ? Outcome.UNPUBLISH : Outcome.WRITE;
        if (!e.deleted()) {
          written.add(new Expectation(e.endpoint(), e.generation(), w.rdata().marker()));
        }
        audit.add(
            AuditRow.of(
                az,
                o.action(),
                e.generation(),
                e.endpoint(),
                prev,
                e.generation(),
                wrote(mode, w)));
      } else if (zones.zoneFor(e.endpoint()) == null) {
        o = Outcome.NO_ZONE;
        audit.add(
            AuditRow.of(
                az,
                o.action(),
                e.generation(),
                e.endpoint(),
                prev,
                null,
                "no served zone contains this name"));
      } else if (held != null && held == e.generation()) {
        o = Outcome.UNCHANGED;
      } else {
        o = Outcome.STALE_SKIP;
        audit.add(
            AuditRow.of(
                az,
                o.action(),
                e.generation(),
                e.endpoint(),
                held,
                e.generation(),
                "lost the compare-and-set to a newer plan"));
      }
      tally = tally.plus(WriteTally.of(o, 1));
    }
    AuditLog.append(c, audit);
    return tally;
  }

  /** Safe: the plan row is gone (cleanup deleted it first); nothing of it may be written. */
  private WriteTally skipDeletedPlan(Connection c, List<PlanEntry> batch) throws SQLException {
    long g = batch.get(0).generation();
    log.info(
        "{}: plan {} was deleted before it could be written; {} endpoints skipped",
        az,
        g,
        batch.size());
    List<AuditRow> audit = new ArrayList<>();
    for (PlanEntry e : batch) {
      audit.add(
          AuditRow.of(
              az,
              Outcome.STALE_SKIP.action(),
              g,
              e.endpoint(),
              null,
              g,
              "plan " + g + " was deleted before it could be written"));
    }
    AuditLog.append(c, audit);
    return WriteTally.of(Outcome.STALE_SKIP, batch.size());
  }

  private static Outcome outcome(WriteDecision d) {
    if (d instanceof WriteDecision.Write) {
      return Outcome.WRITE;
    } else if (d instanceof WriteDecision.Unchanged) {
      return Outcome.UNCHANGED;
    } else if (d instanceof WriteDecision.SkipStale) {
      return Outcome.STALE_SKIP;
    } else if (d instanceof WriteDecision.RejectEmpty) {
      return Outcome.EMPTY_REJECTED;
    } else if (d instanceof WriteDecision.RejectEmptyFamily) {
      return Outcome.EMPTY_FAMILY_REJECTED;
    } else if (d instanceof WriteDecision.RejectInvalid) {
      return Outcome.INVALID_ENTRY;
    }
    throw new IllegalStateException("unknown decision " + d);
  }

  /** The audit detail of a decision not to write. */
  private static String why(WriteDecision d, RrsetState s) {
    if (d instanceof WriteDecision.SkipStale) {
      return "a newer plan is already applied";
    } else if (d instanceof WriteDecision.RejectEmpty) {
      return "plan entry has no address";
    } else if (d instanceof WriteDecision.RejectEmptyFamily f) {
      String families =
          f.families().stream()
              .sorted()
              .map(x -> "IPv" + x.version())
              .collect(Collectors.joining(" and "));
      if (f.entry().deleted()) {
        return "deletion entry, but the endpoint is not deleted and has " + families + " targets";
      }
      return f.families().stream()
              .sorted()
              .map(x -> x.rrtype() + " would publish no address (holds " + s.count(x) + " now)")
              .collect(Collectors.joining("; "))
          + " while the endpoint has "
          + families
          + " targets";
    } else if (d instanceof WriteDecision.RejectInvalid i) {
      return i.malformed().stream().map(PlanAddress::problem).collect(Collectors.joining("; "));
    }
    return null;
  }

  /** The audit detail of a write. */
  private static String wrote(Mode mode, RrsetStore.Write w) {
    PlanEntry e = w.entry();
    if (e.deleted()) {
      return mode.wire() + ": endpoint deleted; A, AAAA and " + e.markerName() + " emptied";
    }
    EntryRdata r = w.rdata();
    String counts =
        mode.wire()
            + " "
            + AddressFamily.V4.rrtype()
            + "="
            + r.a().size()
            + " "
            + AddressFamily.V6.rrtype()
            + "="
            + r.aaaa().size();
    return r.keepsMarkerOf(e)
        ? counts
            + " (addresses unchanged: only the generation advanced; _plan stays "
            + r.marker()
            + ")"
        : counts;
  }

  private void audit(AuditRow entry) throws SQLException {
    tx.write(
        c -> {
          AuditLog.append(c, List.of(entry));
          return null;
        });
  }

  /** The first non-blank line (PostgreSQL's messages may start with a line break). */
  static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
