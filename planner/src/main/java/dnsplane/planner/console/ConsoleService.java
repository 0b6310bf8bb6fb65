package dnsplane.planner.console;

import dnsplane.planner.config.PlannerConfig;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ConsoleService is what the live console's pages ask: the newest plan, what each enactor applied,
 * what authdns and the resolvers answer, as the last tick gathered them ({@link ConsoleGatherer},
 * run by {@link ConsoleTicker} while a page watches), plus an endpoint's timeline and the enactor
 * actions a page forwards. Asking is what marks the console, and the endpoints a page shows,
 * watched.
 */
@Singleton
public final class ConsoleService {

  /** How long after the last page request the console keeps working. */
  static final Duration WATCH_WINDOW = Duration.ofMinutes(1);

  /** How long one DNS probe or enactor call may take. */
  static final Duration CALL_TIMEOUT = Duration.ofMillis(500);

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
  private final JsonMapper json;
  private final EnactorClient enactors;
  private final Timeline timeline;
  private final Map<String, Long> requested = new ConcurrentHashMap<>();
  private final Map<String, MatchCount> matchCounts = new ConcurrentHashMap<>();
  private final ConsoleGatherer gatherer;
  private final ConsoleTicker ticker;

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
    this.json = json;
    this.enactors = new EnactorClient(Duration.ofSeconds(5), planner.apiToken());
    long perEndpoint = settings.history().toMillis() / settings.probeInterval().toMillis() + 1;
    this.timeline = new Timeline(settings.history(), (int) Math.min(perEndpoint, 100_000));
    this.gatherer =
        new ConsoleGatherer(
            settings,
            db,
            plans,
            endpointStore,
            new EnactorStatuses(settings, enactors, json),
            timeline,
            requested);
    this.ticker = new ConsoleTicker(settings, gatherer);
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
    ticker.watch();
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
    ConsoleTicker.Snapshot s = ticker.latest();
    if (s == null
        || Duration.between(s.at(), Instant.now()).compareTo(staleAfter()) > 0
        || (page != null && !s.byName().keySet().containsAll(page.names()))) {
      tickNow();
      s = ticker.latest();
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
  private static Page fromSnapshot(
      ConsoleTicker.Snapshot s, String needle, String selected, int limit) {
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
    return gatherer.lastTick();
  }

  /** True when {@code endpoint} (canonical) is a live endpoint. */
  public boolean knows(String endpoint) {
    ConsoleTicker.Snapshot s = ticker.latest();
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
    ticker.watch();
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
    // The page polls again within a second; let it see the action's effect then.
    ticker.outdate();
    return r;
  }

  /** True once a page has asked: until then the console has no thread and sends nothing. */
  boolean started() {
    return ticker.started();
  }

  @PreDestroy
  void close() {
    ticker.close();
  }

  private Duration staleAfter() {
    return settings.probeInterval().multipliedBy(3).plus(Duration.ofSeconds(2));
  }

  // ConsoleScaleMeasure calls this by reflection, under this name.
  private void tickNow() {
    ticker.tickNow();
  }

  /** {@link ConsoleGatherer#appliedGeneration}, where AppliedGenerationTest calls it. */
  static Long appliedGeneration(Long written, Long rrset, Long lastApplied) {
    return ConsoleGatherer.appliedGeneration(written, rrset, lastApplied);
  }
}
