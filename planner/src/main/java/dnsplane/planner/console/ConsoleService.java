package dnsplane.planner.console;

import dnsplane.planner.config.PlannerConfig;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import dnsplane.planner.service.EndpointService;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.PlanStore;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsoleService gathers what the live console shows: the newest plan, what each enactor applied,
 * what authdns and the resolvers answer. It works only while a page watches (an {@code /ui/api}
 * call in the last minute), on threads of its own, so a planner nobody watches sends no DNS query
 * and a slow server or enactor never delays planning. Each tick (every probe interval):
 *
 * <ol>
 *   <li>reads the newest plan (again only when its generation changed), the endpoints, the
 *       enactor_status rows, the audit rows of applies since the last tick and the rrsets'
 *       generations;
 *   <li>asks each configured enactor for its status, in parallel;
 *   <li>asks each DNS server about each probed endpoint, in parallel;
 *   <li>publishes the result as one snapshot and adds a timeline sample per probed endpoint.
 * </ol>
 *
 * A failing tick is logged and leaves the last snapshot in place, marked with the error.
 */
@Singleton
public final class ConsoleService {

  private static final Logger log = LoggerFactory.getLogger(ConsoleService.class);

  /** How long after the last page request the console keeps working. */
  static final Duration WATCH_WINDOW = Duration.ofMinutes(1);

  /** How long one DNS probe or enactor call may take. */
  static final Duration CALL_TIMEOUT = Duration.ofMillis(500);

  /** Audit rows re-read across ticks: a row is stamped at its transaction's start. */
  private static final Duration AUDIT_OVERLAP = Duration.ofSeconds(30);

  /** The most audit events a timeline carries. */
  static final int MAX_EVENTS = 500;

  private final ConsoleSettings settings;
  private final Database db;
  private final PlanStore plans;
  private final EndpointService endpointService;
  private final JsonMapper json;
  private final DnsProber prober = new DnsProber(CALL_TIMEOUT);
  private final EnactorClient enactors;
  private final Timeline timeline;
  private final Object tickLock = new Object();
  private final Map<String, Long> requested = new ConcurrentHashMap<>();

  private volatile long watchedAt = Long.MIN_VALUE;
  private volatile Snapshot latest;
  private ScheduledExecutorService ticker;
  private ExecutorService pool;

  // Tick state, touched under tickLock only.
  private Plan plan;
  private Map<String, PlanEntry> planEntries = Map.of();
  private final Map<String, Map<String, Applied>> applied = new HashMap<>();
  private Instant auditScannedAt;
  private String lastTickError;

  private record Applied(long id, long generation) {}

  /** One tick's result, immutable once published. */
  private record Snapshot(Instant at, String error, ConsoleViews.State state) {}

  ConsoleService(
      ConsoleSettings settings,
      Database db,
      PlanStore plans,
      EndpointService endpointService,
      PlannerConfig planner,
      JsonMapper json) {
    this.settings = settings;
    this.db = db;
    this.plans = plans;
    this.endpointService = endpointService;
    this.json = json;
    this.enactors = new EnactorClient(Duration.ofSeconds(5), planner.apiToken());
    long perEndpoint = settings.history().toMillis() / settings.probeInterval().toMillis() + 1;
    this.timeline = new Timeline(settings.history(), (int) Math.min(perEndpoint, 100_000));
  }

  public ConsoleSettings settings() {
    return settings;
  }

  /**
   * The current state; the first call (or the first after a quiet spell) gathers it now, so a page
   * never sees an empty console.
   */
  public ConsoleViews.State state() {
    watch();
    Snapshot s = latest;
    if (s == null || Duration.between(s.at(), Instant.now()).compareTo(staleAfter()) > 0) {
      tickNow();
      s = latest;
    }
    return s.state();
  }

  /** True when {@code endpoint} (canonical) is known to the console. */
  public boolean knows(String endpoint) {
    Snapshot s = latest;
    if (s == null) {
      state();
      s = latest;
    }
    return s.state().endpoints().stream().anyMatch(e -> e.name().equals(endpoint));
  }

  /**
   * The samples and audit events of {@code endpoint} over the last {@code minutes}; asks for the
   * endpoint to be probed (with more than max-probed endpoints only asked-for ones are).
   */
  public ConsoleViews.TimelineView timeline(String endpoint, int minutes) {
    watch();
    requested.put(endpoint, System.nanoTime());
    Instant to = Instant.now();
    Instant from = to.minus(Duration.ofMinutes(minutes));
    List<ConsoleViews.Event> events = new ArrayList<>();
    for (ConsoleStore.Event e : db.read(c -> ConsoleStore.events(c, endpoint, from, MAX_EVENTS))) {
      events.add(
          new ConsoleViews.Event(
              e.t(),
              e.actor(),
              e.action(),
              e.generation(),
              e.previousGeneration(),
              e.newGeneration(),
              e.detail()));
    }
    return new ConsoleViews.TimelineView(
        endpoint, from.toString(), to.toString(), timeline.since(endpoint, from), events);
  }

  /** The URI of a configured enactor, or null. */
  public URI enactor(String az) {
    return settings.enactors().get(az);
  }

  /**
   * Forwards {@code action} to the enactor {@code az}.
   *
   * @throws IOException when the enactor cannot be reached
   */
  public EnactorClient.Reply forward(String az, EnactorAction action) throws IOException {
    URI base = settings.enactors().get(az);
    String body = action.body() == null ? null : json.writeValueAsString(action.body());
    EnactorClient.Reply r = enactors.send(base, action.method(), action.path(), body);
    Snapshot s = latest;
    if (s != null) {
      // The page polls again within a second; let it see the action's effect then.
      latest = new Snapshot(Instant.EPOCH, s.error(), s.state());
    }
    return r;
  }

  /** True once a page has asked: until then the console has no thread and sends nothing. */
  synchronized boolean started() {
    return ticker != null;
  }

  /** Marks the console watched, and starts its ticking the first time. */
  private void watch() {
    watchedAt = System.nanoTime();
    synchronized (this) {
      if (ticker == null) {
        AtomicInteger n = new AtomicInteger();
        pool =
            Executors.newFixedThreadPool(
                4,
                r -> {
                  Thread t = new Thread(r, "console-probe-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
        ticker =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "console-tick");
                  t.setDaemon(true);
                  return t;
                });
        ticker.scheduleWithFixedDelay(
            this::tickIfWatched,
            settings.probeInterval().toMillis(),
            settings.probeInterval().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  @PreDestroy
  synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      pool.shutdownNow();
    }
  }

  private Duration staleAfter() {
    return settings.probeInterval().multipliedBy(3).plus(Duration.ofSeconds(2));
  }

  private void tickIfWatched() {
    if (System.nanoTime() - watchedAt > WATCH_WINDOW.toNanos()) {
      return;
    }
    try {
      tickNow();
    } catch (RuntimeException e) {
      // Never let one bad tick end the schedule.
      log.warn("console: tick failed: {}", e.toString());
    }
  }

  private void tickNow() {
    synchronized (tickLock) {
      Instant at = Instant.now();
      Snapshot previous = latest;
      try {
        latest = new Snapshot(at, null, gather(at));
        if (lastTickError != null) {
          log.info("console: the database answers again");
          lastTickError = null;
        }
      } catch (RuntimeException e) {
        String error = "console data not updated: " + e.getMessage();
        if (!error.equals(lastTickError)) {
          log.warn("console: {}", error);
          lastTickError = error;
        }
        ConsoleViews.State old =
            previous == null
                ? new ConsoleViews.State(
                    at.toString(), null, error, servers(), List.of(), List.of())
                : previous.state();
        latest =
            new Snapshot(
                at,
                error,
                new ConsoleViews.State(
                    at.toString(),
                    old.updatedAt(),
                    error,
                    old.servers(),
                    old.enactors(),
                    old.endpoints()));
      }
    }
  }

  private ConsoleViews.State gather(Instant at) {
    Map<String, Future<ConsoleViews.Enactor>> enactorCalls = new LinkedHashMap<>();
    for (Map.Entry<String, URI> e : settings.enactors().entrySet()) {
      enactorCalls.put(e.getKey(), pool.submit(() -> enactorStatus(e.getKey(), e.getValue())));
    }
    List<EndpointView> endpoints = endpointService.list();
    List<String> names = new ArrayList<>();
    endpoints.forEach(e -> names.add(e.name()));
    DbRead read =
        db.read(
            c -> {
              Long newest = plans.newestGeneration(c).orElse(null);
              if (newest == null) {
                plan = null;
                planEntries = Map.of();
              } else if (plan == null || plan.generation() != newest) {
                plan = plans.latest(c).orElse(null);
                Map<String, PlanEntry> m = new HashMap<>();
                if (plan != null) {
                  plan.entries().forEach(en -> m.put(en.endpoint(), en));
                }
                planEntries = m;
              }
              Instant dbNow = ConsoleStore.now(c);
              List<ConsoleStore.Apply> applies =
                  auditScannedAt == null
                      ? ConsoleStore.latestApplies(c)
                      : ConsoleStore.appliesSince(c, auditScannedAt.minus(AUDIT_OVERLAP));
              return new DbRead(
                  ConsoleStore.statuses(c),
                  applies,
                  ConsoleStore.rrsetGenerations(c, names),
                  dbNow);
            });
    for (ConsoleStore.Apply a : read.applies()) {
      Map<String, Applied> byAz = applied.computeIfAbsent(a.endpoint(), k -> new HashMap<>());
      Applied old = byAz.get(a.az());
      if (old == null || old.id() < a.id()) {
        byAz.put(a.az(), new Applied(a.id(), a.generation()));
      }
    }
    auditScannedAt = read.dbNow();

    Set<String> probed = probedEndpoints(names);
    Map<String, Map<String, Future<DnsAnswer>>> calls = new HashMap<>();
    for (String name : probed) {
      Map<String, Future<DnsAnswer>> byServer = new LinkedHashMap<>();
      for (DnsServer server : settings.servers()) {
        byServer.put(server.name(), pool.submit(() -> prober.probe(server, name)));
      }
      calls.put(name, byServer);
    }

    List<ConsoleViews.Enactor> enactorViews = enactorViews(enactorCalls, read.statuses());
    List<ConsoleViews.Endpoint> views = new ArrayList<>();
    Long planGeneration = plan == null ? null : plan.generation();
    for (EndpointView e : endpoints) {
      Map<String, DnsAnswer> answers = new LinkedHashMap<>();
      Map<String, Future<DnsAnswer>> byServer = calls.get(e.name());
      if (byServer != null) {
        for (Map.Entry<String, Future<DnsAnswer>> f : byServer.entrySet()) {
          answers.put(f.getKey(), await(f.getValue(), at));
        }
      }
      Long rrset = read.rrsets().get(e.name());
      Map<String, Long> appliedByAz = new TreeMap<>();
      Map<String, Applied> written = applied.getOrDefault(e.name(), Map.of());
      for (ConsoleViews.Enactor en : enactorViews) {
        Applied w = written.get(en.az());
        Long g =
            appliedGeneration(w == null ? null : w.generation(), rrset, en.lastAppliedGeneration());
        if (g != null) {
          appliedByAz.put(en.az(), g);
        }
      }
      written.forEach((az, w) -> appliedByAz.putIfAbsent(az, w.generation()));
      ConsoleViews.Endpoint view =
          new ConsoleViews.Endpoint(
              e.name(),
              e.guarded(),
              planPart(e, planEntries.get(e.name()), planGeneration),
              appliedByAz,
              rrset,
              answers);
      views.add(view);
      if (byServer != null) {
        Map<String, Timeline.Point> points = new LinkedHashMap<>();
        answers.forEach((server, a) -> points.put(server, Timeline.Point.of(a)));
        timeline.add(
            e.name(),
            at,
            new Timeline.Sample(at.toString(), planGeneration, appliedByAz, rrset, points));
      }
    }
    timeline.evict(at);
    return new ConsoleViews.State(
        at.toString(), at.toString(), null, servers(), enactorViews, views);
  }

  /**
   * The generation enactor X has applied to an endpoint: its last write there ({@code written},
   * from the audit log), or the generation the rrsets hold when X has since gone through a plan at
   * least that new ({@code lastApplied}) — then it found them holding it and left them (an
   * unchanged entry writes no audit row), whichever is newer. A legacy enactor's late write of an
   * old plan is its last write, and the rrsets hold that old plan: the stale value shows.
   */
  static Long appliedGeneration(Long written, Long rrset, Long lastApplied) {
    Long seen = rrset != null && lastApplied != null && rrset <= lastApplied ? rrset : null;
    if (written == null) {
      return seen;
    }
    return seen == null ? written : Math.max(written, seen);
  }

  private record DbRead(
      List<ConsoleStore.StatusRow> statuses,
      List<ConsoleStore.Apply> applies,
      Map<String, Long> rrsets,
      Instant dbNow) {}

  private Set<String> probedEndpoints(List<String> names) {
    if (settings.servers().isEmpty()) {
      return Set.of();
    }
    if (names.size() <= settings.maxProbed()) {
      return new HashSet<>(names);
    }
    long cutoff = System.nanoTime() - WATCH_WINDOW.toNanos();
    requested.values().removeIf(t -> t < cutoff);
    Set<String> out = new HashSet<>(requested.keySet());
    out.retainAll(new HashSet<>(names));
    return out;
  }

  private List<ConsoleViews.Server> servers() {
    return settings.servers().stream()
        .map(s -> new ConsoleViews.Server(s.name(), s.kind().wire(), s.address().toString()))
        .toList();
  }

  private static DnsAnswer await(Future<DnsAnswer> f, Instant at) {
    try {
      return f.get(CALL_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DnsAnswer.failed("interrupted", at.toString());
    } catch (Exception e) {
      f.cancel(true);
      return DnsAnswer.failed("probe failed: " + e, at.toString());
    }
  }

  private List<ConsoleViews.Enactor> enactorViews(
      Map<String, Future<ConsoleViews.Enactor>> calls, List<ConsoleStore.StatusRow> rows) {
    Map<String, ConsoleStore.StatusRow> byAz = new HashMap<>();
    rows.forEach(r -> byAz.put(r.az(), r));
    List<ConsoleViews.Enactor> out = new ArrayList<>();
    for (Map.Entry<String, Future<ConsoleViews.Enactor>> c : calls.entrySet()) {
      String az = c.getKey();
      String url = settings.enactors().get(az).toString();
      ConsoleViews.Enactor live;
      String error;
      try {
        live = c.getValue().get(CALL_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
        error = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        live = null;
        error = "interrupted";
      } catch (Exception e) {
        c.getValue().cancel(true);
        live = null;
        Throwable cause = e.getCause() == null ? e : e.getCause();
        error =
            "unreachable: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
      }
      out.add(live != null ? live : fromRow(az, url, byAz.get(az), error));
    }
    for (ConsoleStore.StatusRow r : rows) {
      if (!calls.containsKey(r.az())) {
        out.add(
            fromRow(
                r.az(),
                null,
                r,
                "not configured in DNSPLANE_CONSOLE_ENACTORS: from its status row"));
      }
    }
    return out;
  }

  private static ConsoleViews.Enactor fromRow(
      String az, String url, ConsoleStore.StatusRow r, String error) {
    if (r == null) {
      return new ConsoleViews.Enactor(
          az, url, false, null, false, false, null, null, List.of(), null, error);
    }
    return new ConsoleViews.Enactor(
        az,
        url,
        false,
        r.mode(),
        r.paused(),
        r.stuck(),
        r.stuckReason(),
        r.lastApplied(),
        List.of(),
        null,
        error);
  }

  /** The enactor's own status, or an exception when it cannot be had. */
  private ConsoleViews.Enactor enactorStatus(String az, URI base) throws IOException {
    EnactorClient.Reply r = enactors.send(base, "GET", "/v1/status", null);
    if (r.status() != 200) {
      throw new IOException("GET /v1/status answered " + r.status() + ": " + r.body());
    }
    Status s = json.readValue(r.body(), Status.class);
    return new ConsoleViews.Enactor(
        az,
        base.toString(),
        true,
        s.mode(),
        s.paused(),
        s.stuck(),
        s.stuckReason(),
        s.lastAppliedGeneration(),
        s.faults() == null ? List.of() : s.faults(),
        s.waiting(),
        az.equals(s.az()) ? null : "the enactor at " + base + " says it is " + s.az());
  }

  /** GET /v1/status as the enactor sends it. */
  @io.micronaut.serde.annotation.Serdeable
  record Status(
      String az,
      String mode,
      @io.micronaut.core.annotation.Nullable Long lastAppliedGeneration,
      boolean stuck,
      @io.micronaut.core.annotation.Nullable String stuckReason,
      boolean paused,
      @io.micronaut.core.annotation.Nullable List<ConsoleViews.Fault> faults,
      @io.micronaut.core.annotation.Nullable ConsoleViews.Waiting waiting) {}

  /** The plan's side of an endpoint, with every target it has. */
  static ConsoleViews.PlanPart planPart(EndpointView e, PlanEntry entry, Long generation) {
    Set<String> published = new HashSet<>();
    Set<String> held = new HashSet<>();
    Set<AddressFamily> failOpen = Set.of();
    if (entry != null) {
      entry.addresses().forEach(a -> published.add(a.address()));
      entry.held().forEach(a -> held.add(a.address()));
      failOpen = entry.failOpenFamilies();
    }
    List<ConsoleViews.PlanAddress> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (EndpointView.TargetView t : e.targets()) {
      AddressFamily family = AddressFamily.of(t.address());
      boolean pub = published.contains(t.address());
      seen.add(t.address());
      rows.add(
          new ConsoleViews.PlanAddress(
              t.address(),
              family.name(),
              t.az(),
              t.weight(),
              t.healthy(),
              pub,
              pub && !t.healthy() && failOpen.contains(family),
              held.contains(t.address())));
    }
    if (entry != null) {
      // A plan address that is no longer a target (removed since the plan was written).
      for (PlannedAddress a : entry.addresses()) {
        if (seen.add(a.address())) {
          rows.add(
              new ConsoleViews.PlanAddress(
                  a.address(),
                  AddressFamily.of(a.address()).name(),
                  a.az(),
                  a.weight(),
                  true,
                  true,
                  false,
                  held.contains(a.address())));
        }
      }
    }
    return new ConsoleViews.PlanPart(
        entry == null ? null : generation,
        entry != null && entry.deleted(),
        failOpen.stream().map(AddressFamily::name).sorted().toList(),
        rows);
  }
}
