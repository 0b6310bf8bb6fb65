package dnsplane.planner.console;

import dnsplane.planner.config.PlannerConfig;
import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
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
import java.util.Objects;
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
 *   <li>decides which endpoints it watches: all of them when there are at most max-probed, else
 *       only those a page was shown or asked about in the last minute — so its cost follows what
 *       pages show, not how many endpoints exist;
 *   <li>reads the newest plan (again only when its generation changed), the watched endpoints, the
 *       enactor_status rows, the audit rows of their applies (all of them for a newly watched
 *       endpoint, those since the last tick for the others) and their rrsets' generations;
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

  /**
   * How far a filter's matches are counted: past it a page says "more than" rather than have every
   * poll count a hundred thousand names.
   */
  static final long MATCH_COUNT_CAP = 1000;

  /** How long a count of endpoints (all, or a filter's matches) is reused. */
  static final Duration COUNT_FOR = Duration.ofSeconds(10);

  /** A filter's count, {@code at} System.nanoTime(). */
  private record MatchCount(long matched, boolean more, long at) {}

  /** What the last tick read: the console's own counter, for tests and the log. */
  record TickStats(int watched, int probed, boolean all, long total) {}

  private final ConsoleSettings settings;
  private final Database db;
  private final PlanStore plans;
  private final EndpointStore endpointStore;
  private final JsonMapper json;
  private final DnsProber prober = new DnsProber(CALL_TIMEOUT);
  private final EnactorClient enactors;
  private final Timeline timeline;
  private final Object tickLock = new Object();
  private final Map<String, Long> requested = new ConcurrentHashMap<>();
  private final Map<String, MatchCount> matchCounts = new ConcurrentHashMap<>();

  private volatile long watchedAt = Long.MIN_VALUE;
  private volatile Snapshot latest;
  private volatile TickStats lastTick;
  private ScheduledExecutorService ticker;
  private ExecutorService pool;

  // Tick state, touched under tickLock only.
  private Plan plan;
  private Map<String, PlanEntry> planEntries = Map.of();
  private final Map<String, Map<String, Applied>> applied = new HashMap<>();
  private final Set<String> appliesKnown = new HashSet<>();
  private Instant auditScannedAt;
  private long total = -1;
  private long totalAt;
  private String lastTickError;

  private record Applied(long id, long generation) {}

  /** One tick's result, immutable once published: the watched endpoints by name. */
  private record Snapshot(
      Instant at,
      String error,
      ConsoleViews.State state,
      Map<String, ConsoleViews.Endpoint> byName,
      long total) {}

  /** The endpoints a page is shown, before their data is looked up. */
  private record Page(List<String> names, long matched, boolean more) {}

  ConsoleService(
      ConsoleSettings settings,
      Database db,
      PlanStore plans,
      EndpointStore endpointStore,
      PlannerConfig planner,
      JsonMapper json) {
    this.settings = settings;
    this.db = db;
    this.plans = plans;
    this.endpointStore = endpointStore;
    this.json = json;
    this.enactors = new EnactorClient(Duration.ofSeconds(5), planner.apiToken());
    long perEndpoint = settings.history().toMillis() / settings.probeInterval().toMillis() + 1;
    this.timeline = new Timeline(settings.history(), (int) Math.min(perEndpoint, 100_000));
  }

  public ConsoleSettings settings() {
    return settings;
  }

  /**
   * The state a page is shown: at most max-probed endpoints whose name contains {@code needle}
   * (lower case; null: any), by name, plus {@code selected} (canonical, or null) when it exists.
   * Asking marks them watched for a minute. The first call (or the first after a quiet spell, or
   * one showing endpoints the last tick did not watch) gathers now, so a page never sees an empty
   * console.
   */
  public ConsoleViews.State state(String needle, String selected) {
    watch();
    int limit = pageSize();
    Page page;
    try {
      page = db.read(c -> page(c, needle, selected, limit));
    } catch (RuntimeException e) {
      // The tick reports the database's failure; show what the last one gathered meanwhile.
      page = null;
    }
    if (page != null) {
      long t = System.nanoTime();
      page.names().forEach(n -> requested.put(n, t));
    }
    Snapshot s = latest;
    if (s == null
        || Duration.between(s.at(), Instant.now()).compareTo(staleAfter()) > 0
        || (page != null && !s.byName().keySet().containsAll(page.names()))) {
      tickNow();
      s = latest;
    }
    if (page == null) {
      page = fromSnapshot(s, needle, selected, limit);
    }
    List<ConsoleViews.Endpoint> views =
        page.names().stream().map(s.byName()::get).filter(Objects::nonNull).toList();
    long all = Math.max(s.total(), views.size());
    ConsoleViews.State st = s.state();
    return new ConsoleViews.State(
        st.now(),
        st.updatedAt(),
        st.error(),
        st.servers(),
        st.enactors(),
        views,
        all,
        needle == null ? all : page.matched(),
        needle != null && page.more());
  }

  /** How many endpoints a page is shown (one at least, so that max-probed 0 still shows one). */
  private int pageSize() {
    return Math.max(1, settings.maxProbed());
  }

  private Page page(java.sql.Connection c, String needle, String selected, int limit)
      throws java.sql.SQLException {
    List<String> names = new ArrayList<>(ConsoleStore.names(c, needle, limit));
    long matched = names.size();
    boolean more = false;
    if (needle != null && names.size() >= limit) {
      MatchCount m = matchCounts.get(needle);
      long now = System.nanoTime();
      if (m == null || now - m.at() > COUNT_FOR.toNanos()) {
        long cap = Math.max(MATCH_COUNT_CAP, limit);
        long n = ConsoleStore.count(c, needle, cap + 1);
        m = new MatchCount(Math.min(n, cap), n > cap, now);
        if (matchCounts.size() > 64) {
          matchCounts.clear();
        }
        matchCounts.put(needle, m);
      }
      matched = m.matched();
      more = m.more();
    }
    if (selected != null && !names.contains(selected) && ConsoleStore.exists(c, selected)) {
      names.add(selected);
    }
    return new Page(names, matched, more);
  }

  /** The page from the last snapshot alone, when the database cannot say what matches. */
  private static Page fromSnapshot(Snapshot s, String needle, String selected, int limit) {
    List<String> names = new ArrayList<>();
    for (ConsoleViews.Endpoint e : s.state().endpoints()) {
      if (needle == null || e.name().contains(needle)) {
        names.add(e.name());
      }
    }
    int matched = names.size();
    if (names.size() > limit) {
      names = new ArrayList<>(names.subList(0, limit));
    }
    if (selected != null && !names.contains(selected) && s.byName().containsKey(selected)) {
      names.add(selected);
    }
    return new Page(names, matched, false);
  }

  /** What the last tick read, or null before the first. */
  TickStats lastTick() {
    return lastTick;
  }

  /** True when {@code endpoint} (canonical) is a live endpoint. */
  public boolean knows(String endpoint) {
    Snapshot s = latest;
    if (s != null && s.byName().containsKey(endpoint)) {
      return true;
    }
    try {
      return db.read(c -> ConsoleStore.exists(c, endpoint));
    } catch (RuntimeException e) {
      return false;
    }
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
      latest = new Snapshot(Instant.EPOCH, s.error(), s.state(), s.byName(), s.total());
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
        latest = gather(at);
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
                    at.toString(), null, error, servers(), List.of(), List.of(), 0, 0, false)
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
                    old.endpoints(),
                    old.total(),
                    old.matched(),
                    false),
                previous == null ? Map.of() : previous.byName(),
                previous == null ? 0 : previous.total());
      }
    }
  }

  private Snapshot gather(Instant at) {
    Map<String, Future<ConsoleViews.Enactor>> enactorCalls = new LinkedHashMap<>();
    for (Map.Entry<String, URI> e : settings.enactors().entrySet()) {
      enactorCalls.put(e.getKey(), pool.submit(() -> enactorStatus(e.getKey(), e.getValue())));
    }
    int cap = settings.maxProbed();
    boolean[] all = new boolean[1];
    List<EndpointView> endpoints =
        db.read(
            c -> {
              // max-probed + 1 names by primary key: cheap, and says whether there are more.
              List<String> first = ConsoleStore.names(c, null, cap + 1);
              all[0] = first.size() <= cap;
              List<String> watched;
              if (all[0]) {
                watched = first;
                total = first.size();
                totalAt = System.nanoTime();
              } else {
                long cutoff = System.nanoTime() - WATCH_WINDOW.toNanos();
                requested.values().removeIf(t -> t < cutoff);
                watched = new ArrayList<>(requested.keySet());
                // A count of at most max-probed is stale: there are more than that now.
                if (total <= cap || System.nanoTime() - totalAt > COUNT_FOR.toNanos()) {
                  total = ConsoleStore.count(c, null, Long.MAX_VALUE);
                  totalAt = System.nanoTime();
                }
              }
              return endpointStore.liveNamed(c, watched).stream()
                  .map(e -> EndpointView.of(e, null))
                  .toList();
            });
    List<String> names = new ArrayList<>();
    endpoints.forEach(e -> names.add(e.name()));
    List<String> fresh = new ArrayList<>();
    List<String> known = new ArrayList<>();
    names.forEach(n -> (appliesKnown.contains(n) ? known : fresh).add(n));
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
                  new ArrayList<>(ConsoleStore.latestApplies(c, fresh));
              if (auditScannedAt != null) {
                applies.addAll(
                    ConsoleStore.appliesSince(c, known, auditScannedAt.minus(AUDIT_OVERLAP)));
              }
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
    // Forget what is no longer watched: a later watch reads its applies afresh.
    appliesKnown.retainAll(names);
    appliesKnown.addAll(fresh);
    applied.keySet().retainAll(appliesKnown);

    Set<String> probed = settings.servers().isEmpty() ? Set.of() : new HashSet<>(names);
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
    lastTick = new TickStats(names.size(), probed.size(), all[0], total);
    Map<String, ConsoleViews.Endpoint> byName = new HashMap<>();
    views.forEach(v -> byName.put(v.name(), v));
    return new Snapshot(
        at,
        null,
        new ConsoleViews.State(
            at.toString(),
            at.toString(),
            null,
            servers(),
            enactorViews,
            views,
            total,
            total,
            false),
        byName,
        total);
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
