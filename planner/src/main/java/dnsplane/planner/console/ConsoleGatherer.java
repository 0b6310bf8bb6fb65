package dnsplane.planner.console;

import dnsplane.planner.endpoint.EndpointView;
import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.PlanStore;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * ConsoleGatherer is what one console tick does, every probe interval while a page watches:
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
 *   <li>returns the result as one snapshot, for ConsoleTicker to publish, and adds a timeline
 *       sample per probed endpoint.
 * </ol>
 *
 * What it keeps between ticks (the plan, the applies it read, the audit scan's watermark, the count
 * of all endpoints) is touched by {@link #gather} only, which ConsoleTicker calls under its tick
 * lock.
 */
final class ConsoleGatherer {

  /** Audit rows re-read across ticks: a row is stamped at its transaction's start. */
  private static final Duration AUDIT_OVERLAP = Duration.ofSeconds(30);

  private final ConsoleSettings settings;
  private final Database db;
  private final PlanStore plans;
  private final EndpointStore endpointStore;
  private final DnsProber prober = new DnsProber(ConsoleService.CALL_TIMEOUT);
  private final EnactorStatuses enactorStatuses;
  private final Timeline timeline;
  private final Map<String, Long> requested;

  private volatile ConsoleService.TickStats lastTick;

  private Plan plan;
  private Map<String, PlanEntry> planEntries = Map.of();
  private final Map<String, Map<String, Applied>> applied = new HashMap<>();
  private final Set<String> appliesKnown = new HashSet<>();
  private Instant auditScannedAt;
  private long total = -1;
  private long totalAt;

  private record Applied(long id, long generation) {}

  /**
   * {@code requested} holds the names pages asked about, with when ({@code System.nanoTime()}): the
   * watched ones when there are more than max-probed endpoints.
   */
  ConsoleGatherer(
      ConsoleSettings settings,
      Database db,
      PlanStore plans,
      EndpointStore endpointStore,
      EnactorStatuses enactorStatuses,
      Timeline timeline,
      Map<String, Long> requested) {
    this.settings = settings;
    this.db = db;
    this.plans = plans;
    this.endpointStore = endpointStore;
    this.enactorStatuses = enactorStatuses;
    this.timeline = timeline;
    this.requested = requested;
  }

  /** What the last tick read, or null before the first. */
  ConsoleService.TickStats lastTick() {
    return lastTick;
  }

  /** One tick: its calls to enactors and DNS servers run on {@code pool}. */
  ConsoleTicker.Snapshot gather(Instant at, ExecutorService pool) {
    Map<String, Future<ConsoleViews.Enactor>> enactorCalls = enactorStatuses.ask(pool);
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
                long cutoff = System.nanoTime() - ConsoleService.WATCH_WINDOW.toNanos();
                requested.values().removeIf(t -> t < cutoff);
                watched = new ArrayList<>(requested.keySet());
                // A count of at most max-probed is stale: there are more than that now.
                if (total <= cap
                    || System.nanoTime() - totalAt > ConsoleService.COUNT_FOR.toNanos()) {
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

    List<ConsoleViews.Enactor> enactorViews = enactorStatuses.views(enactorCalls, read.statuses());
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
    lastTick = new ConsoleService.TickStats(names.size(), probed.size(), all[0], total);
    Map<String, ConsoleViews.Endpoint> byName = new HashMap<>();
    views.forEach(v -> byName.put(v.name(), v));
    return new ConsoleTicker.Snapshot(
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

  /** The DNS servers a page is shown. */
  List<ConsoleViews.Server> servers() {
    return settings.servers().stream()
        .map(s -> new ConsoleViews.Server(s.name(), s.kind().wire(), s.address().toString()))
        .toList();
  }

  private static DnsAnswer await(Future<DnsAnswer> f, Instant at) {
    try {
      return f.get(ConsoleService.CALL_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DnsAnswer.failed("interrupted", at.toString());
    } catch (Exception e) {
      f.cancel(true);
      return DnsAnswer.failed("probe failed: " + e, at.toString());
    }
  }

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
