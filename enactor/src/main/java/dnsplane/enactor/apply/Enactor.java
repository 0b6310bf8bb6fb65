package dnsplane.enactor.apply;

import dnsplane.db.Transactions;
import dnsplane.db.audit.AuditLog;
import dnsplane.db.audit.AuditRow;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.status.EnactorStatus;
import dnsplane.enactor.rules.LegacyRule;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.Plan;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.store.RrsetStore;
import dnsplane.enactor.verify.Expectation;
import dnsplane.enactor.verify.Verifier;
import dnsplane.enactor.verify.VerifyVerdict;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enactor is one availability zone's enactor: each {@link #applyOnce} picks the newest plan, writes
 * it to every endpoint's rrsets, cleans up old plans and (safe mode) verifies over DNS.
 *
 * <p>legacy, exactly DESIGN.md's four steps: (1) check once, at the start, that the newest plan is
 * newer than the last one this enactor applied; (2) write every endpoint unconditionally, slowly if
 * a delay is injected; (3) delete plans older than the newest K and empty every rrset still
 * pointing at a deleted plan; (4) while any endpoint points at a deleted plan, refuse to act until
 * {@link #repair}. safe: the same loop, but every write locks its plan and is a compare-and-set,
 * entries that are empty, malformed or would empty a configured address family are rejected,
 * cleanup keeps referenced plans (and waits for in-flight writes of the plans it deletes), and the
 * result is verified over DNS.
 */
public final class Enactor {

  private static final Logger log = LoggerFactory.getLogger(Enactor.class);

  private final EnactorSettings settings;
  private final Transactions tx;
  private final Faults faults;
  private final EnactorMetrics metrics;
  private final Verifier verifier;
  private final PlanStore plans;
  private final RrsetStore rrsets = new RrsetStore();
  private final RrsetWriter writer;
  private final Cleaner cleaner;
  private final Object applyLock = new Object();
  private final java.util.concurrent.atomic.AtomicLong passes =
      new java.util.concurrent.atomic.AtomicLong();

  private volatile Mode mode;
  private volatile boolean paused;
  private volatile Long lastApplied;
  private volatile String stuckReason;

  /** On a plain pool; {@code verifier} may be null: no post-apply verification. */
  public Enactor(
      EnactorSettings settings,
      DataSource ds,
      Faults faults,
      EnactorMetrics metrics,
      Verifier verifier)
      throws SQLException {
    this(settings, Transactions.over(ds), faults, metrics, verifier);
  }

  /** On {@code tx} (the service's are Micronaut's); {@code verifier} may be null. */
  public Enactor(
      EnactorSettings settings,
      Transactions tx,
      Faults faults,
      EnactorMetrics metrics,
      Verifier verifier)
      throws SQLException {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tx = Objects.requireNonNull(tx, "tx");
    this.faults = Objects.requireNonNull(faults, "faults");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.verifier = verifier;
    this.plans = new PlanStore(tx);
    this.writer = new RrsetWriter(settings.az(), tx, faults, settings.batchSize());
    this.cleaner = new Cleaner(settings.az(), tx, plans);
    this.mode = settings.mode();
    this.lastApplied = tx.read(c -> EnactorStatus.lastApplied(c, settings.az()));
    saveStatus();
  }

  /** One wake-up: apply the newest plan if this enactor should, then clean up. */
  public ApplyReport applyOnce() throws SQLException, InterruptedException {
    synchronized (applyLock) {
      try {
        return applyLocked();
      } finally {
        passes.incrementAndGet();
      }
    }
  }

  private ApplyReport applyLocked() throws SQLException, InterruptedException {
    if (paused) {
      return ApplyReport.skipped("paused");
    }
    long started = System.nanoTime();
    Mode m = mode;
    Optional<Plan> plan = m == Mode.LEGACY ? legacyStart() : safeStart();
    if (plan.isEmpty()) {
      return ApplyReport.skipped(stuckReason != null ? stuckReason : "up to date");
    }
    Plan p = plan.get();
    ZoneIndex zones = tx.write(ZoneIndex::load);
    RrsetWriter.Result r = writer.write(m, p.entries(), zones);
    count(r.tally());
    lastApplied = p.generation();
    metrics.plansApplied.incrementAndGet();
    Cleaner.Tally c = cleaner.cleanup(m, settings.keep());
    metrics.cleanupDeletions.addAndGet(c.deleted());
    metrics.cleanupClears.addAndGet(c.cleared());
    metrics.guardRefusals.addAndGet(c.guardRefused());
    int alarms = m == Mode.SAFE ? verify(r.written()) : 0;
    metrics.observeApply(System.nanoTime() - started);
    saveStatus();
    log.info(
        "{}: applied plan {} ({}): {}, cleanup {}",
        settings.az(),
        p.generation(),
        m.wire(),
        r.tally(),
        c);
    return new ApplyReport(
        p.generation(), r.tally(), c.deleted(), c.cleared(), c.guardRefused(), alarms, null);
  }

  private Optional<Plan> safeStart() throws SQLException {
    setStuck(null);
    Optional<Long> newest = plans.newestGeneration();
    if (newest.isEmpty() || (lastApplied != null && newest.get() <= lastApplied)) {
      return Optional.empty();
    }
    return plans.load(newest.get());
  }

  private Optional<Plan> legacyStart() throws SQLException {
    Set<Long> existing = plans.generations();
    Map<String, Long> applied = tx.write(rrsets::appliedByEndpoint);
    Long newest = existing.stream().max(Long::compare).orElse(null);
    LegacyRule.Start start = LegacyRule.start(newest, lastApplied, applied, existing);
    if (start instanceof LegacyRule.Start.Stuck s) {
      setStuck(s.reason(applied));
      return Optional.empty();
    }
    setStuck(null);
    if (start instanceof LegacyRule.Start.Apply a) {
      return plans.load(a.generation());
    }
    return Optional.empty();
  }

  /**
   * The operator's way out of the stuck state: writes the newest plan's entry to {@code endpoint},
   * clears this enactor's stuck state and wakes the other enactors. A legacy enactor writes
   * unconditionally, as the 2025 operators did; a safe enactor writes exactly as it writes any plan
   * (plan lock, compare-and-set, every rule), so a repair that read a plan which is stale by the
   * time it writes cannot roll the endpoint back, and an empty entry is refused.
   */
  public ApplyReport repair(String endpoint) throws SQLException, InterruptedException {
    Objects.requireNonNull(endpoint, "endpoint");
    Mode m = mode;
    Plan newest =
        plans
            .newestGeneration()
            .flatMap(this::loadQuietly)
            .orElseThrow(() -> new IllegalStateException("there is no plan to repair from"));
    PlanEntry entry =
        newest.entries().stream()
            .filter(e -> e.endpoint().equals(endpoint))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "endpoint "
                            + endpoint
                            + " is not in the newest plan "
                            + newest.generation()));
    ZoneIndex zones = tx.write(ZoneIndex::load);
    appendAudit(
        List.of(
            AuditRow.of(
                settings.az(),
                "repair",
                newest.generation(),
                endpoint,
                null,
                newest.generation(),
                m == Mode.SAFE
                    ? "operator repair: newest plan written through the safe rules and"
                        + " compare-and-set"
                    : "operator repair: newest plan written unconditionally (legacy)")));
    RrsetWriter repairer = new RrsetWriter(settings.az(), tx, new Faults(), 1);
    RrsetWriter.Result r = repairer.write(m, List.of(entry), zones);
    count(r.tally());
    setStuck(null);
    saveStatus();
    tx.write(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('dnsplane_plan', ?)")) {
            ps.setString(1, Long.toString(newest.generation()));
            ps.execute();
          }
          return null;
        });
    return new ApplyReport(newest.generation(), r.tally(), 0, 0, 0, 0, null);
  }

  private Optional<Plan> loadQuietly(long g) {
    try {
      return plans.load(g);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load plan " + g + ": " + e.getMessage(), e);
    }
  }

  private int verify(List<Expectation> written) {
    if (verifier == null || written.isEmpty()) {
      return 0;
    }
    List<Expectation> sample = written.subList(0, Math.min(written.size(), settings.verifyLimit()));
    List<VerifyVerdict> verdicts = verifier.verifyAll(sample);
    int alarms = 0;
    for (int i = 0; i < verdicts.size(); i++) {
      VerifyVerdict v = verdicts.get(i);
      if (!v.alarm()) {
        continue;
      }
      Expectation e = sample.get(i);
      alarms++;
      metrics.verificationFailures.incrementAndGet();
      log.error(
          "{}: verification alarm for {} (wrote plan {}): {}",
          settings.az(),
          e.endpoint(),
          e.generation(),
          v);
      try {
        appendAudit(
            List.of(
                AuditRow.of(
                    settings.az(),
                    "verify_alarm",
                    e.generation(),
                    e.endpoint(),
                    null,
                    e.generation(),
                    v.toString())));
      } catch (SQLException ex) {
        log.warn("{}: cannot audit verification alarm: {}", settings.az(), ex.getMessage());
      }
    }
    return alarms;
  }

  private void count(WriteTally t) {
    metrics.rrsetsWritten.addAndGet(3L * (t.written() + t.unpublished()));
    metrics.unpublished.addAndGet(t.unpublished());
    metrics.staleSkips.addAndGet(t.stale());
    metrics.emptyRejections.addAndGet(t.rejectedEmpty());
    metrics.emptyFamilyRejections.addAndGet(t.rejectedEmptyFamily());
    metrics.invalidEntries.addAndGet(t.rejectedInvalid());
    metrics.guardRefusals.addAndGet(t.guardRefused());
  }

  private void setStuck(String reason) throws SQLException {
    boolean changed = !Objects.equals(reason, stuckReason);
    stuckReason = reason;
    metrics.stuck.set(reason == null ? 0 : 1);
    if (changed) {
      if (reason != null) {
        log.error("{}: stuck: {}", settings.az(), reason);
        appendAudit(List.of(AuditRow.of(settings.az(), "stuck", null, null, null, null, reason)));
      }
      saveStatus();
    }
  }

  private void saveStatus() throws SQLException {
    String reason = stuckReason;
    tx.read(
        c -> {
          EnactorStatus.upsert(
              c, settings.az(), mode.wire(), lastApplied, reason != null, reason, paused);
          return null;
        });
  }

  public void setMode(Mode m) throws SQLException {
    Mode old = mode;
    mode = Objects.requireNonNull(m, "mode");
    if (old != m) {
      appendAudit(
          List.of(
              AuditRow.of(
                  settings.az(), "mode", null, null, null, null, old.wire() + " -> " + m.wire())));
    }
    saveStatus();
  }

  public void setPaused(boolean p) throws SQLException {
    paused = p;
    saveStatus();
  }

  public String az() {
    return settings.az();
  }

  public Mode mode() {
    return mode;
  }

  public boolean paused() {
    return paused;
  }

  public Long lastApplied() {
    return lastApplied;
  }

  /** Null when not stuck. */
  public String stuckReason() {
    return stuckReason;
  }

  /** How many apply passes have finished (tests await a pass after an event). */
  public long passes() {
    return passes.get();
  }

  public Faults faults() {
    return faults;
  }

  public EnactorMetrics metrics() {
    return metrics;
  }

  /** The transactions this enactor runs on (the health check's probe uses them too). */
  public Transactions transactions() {
    return tx;
  }

  /** Appends audit rows in a transaction of their own (events outside any write). */
  private void appendAudit(List<AuditRow> rows) throws SQLException {
    tx.write(
        c -> {
          AuditLog.append(c, rows);
          return null;
        });
  }
}
