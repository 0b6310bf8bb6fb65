package dnsplane.planner.health;

import dnsplane.planner.config.PlannerConfig;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.RiseFall;
import dnsplane.planner.service.PlanWriter;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.EndpointStore.ActiveTarget;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ActiveHealthChecker runs one round of active checks at a time: probe every actively checked
 * target in parallel, feed each result through {@link RiseFall}, and store the targets whose health
 * flipped together with (at most) one new plan. The scheduler calls {@link #runRound}.
 */
@Singleton
public final class ActiveHealthChecker {

  /** Identifies a check; reconfiguring a target's check starts a new streak. */
  private record Key(String endpoint, String address, HealthCheck check) {}

  private final Database db;
  private final EndpointStore store;
  private final PlanWriter writer;
  private final Prober prober;
  private final PlannerConfig config;
  private final CheckMetrics metrics;
  private final ExecutorService probes;
  private final Map<Key, RiseFall.State> states = new HashMap<>();

  public ActiveHealthChecker(
      Database db,
      EndpointStore store,
      PlanWriter writer,
      Prober prober,
      PlannerConfig config,
      CheckMetrics metrics) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.prober = prober;
    this.config = config;
    this.metrics = metrics;
    this.probes =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "planner-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs one round; returns the generation of the plan written, or null. */
  public synchronized Long runRound() {
    List<ActiveTarget> targets = db.read(store::activeTargets);
    List<Future<Boolean>> results = new ArrayList<>();
    for (ActiveTarget t : targets) {
      results.add(probes.submit(() -> prober.probe(t.check(), config.checkTimeout())));
    }
    Map<Key, RiseFall.State> next = new HashMap<>();
    List<ActiveTarget> flipped = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      ActiveTarget t = targets.get(i);
      boolean ok = await(results.get(i));
      metrics.checkResult(t.check().kind().column(), ok);
      Key key = new Key(t.endpoint(), t.address(), t.check());
      RiseFall.State state = states.getOrDefault(key, RiseFall.State.start(t.healthy()));
      RiseFall.State after = config.riseFall().next(state, ok);
      next.put(key, after);
      if (after.healthy() != t.healthy()) {
        flipped.add(new ActiveTarget(t.endpoint(), t.address(), t.check(), after.healthy()));
      }
    }
    // Targets deleted or reconfigured since the last round drop out of the map here.
    states.clear();
    states.putAll(next);
    if (flipped.isEmpty()) {
      return null;
    }
    String reason = "health check: " + describe(flipped);
    return writer
        .run(
            reason,
            false,
            (c, now) -> {
              for (ActiveTarget f : flipped) {
                store.setHealth(c, f.endpoint(), f.address(), f.check(), f.healthy(), now);
              }
              return null;
            })
        .generation();
  }

  private boolean await(Future<Boolean> f) {
    try {
      return f.get(config.checkTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String describe(List<ActiveTarget> flipped) {
    StringBuilder b = new StringBuilder();
    for (ActiveTarget f : flipped) {
      b.append(b.length() == 0 ? "" : ", ")
          .append(f.address())
          .append(" of ")
          .append(f.endpoint())
          .append(f.healthy() ? " healthy" : " unhealthy");
    }
    return b.toString();
  }

  @PreDestroy
  void close() {
    probes.shutdownNow();
  }
}
