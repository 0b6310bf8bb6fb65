package dnsplane.resolver;

import dnsplane.resolver.cache.GuardMemory;
import dnsplane.resolver.cache.ResponseCache;
import dnsplane.resolver.config.ResolverConfig;
import dnsplane.resolver.http.HttpApi;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.net.ClientAcl;
import dnsplane.resolver.net.DnsServer;
import dnsplane.resolver.net.QueryHandler;
import dnsplane.resolver.net.RateLimiter;
import dnsplane.resolver.resolve.Resolver;
import dnsplane.resolver.resolve.TaskScheduler;
import dnsplane.resolver.upstream.UpstreamClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * ResolverServer wires a whole resolver from a config, a clock and a scheduler, and starts its DNS
 * and HTTP listeners. {@link Main} runs one; tests start one on port 0 with a controllable clock.
 */
public final class ResolverServer implements AutoCloseable {
  private final Metrics metrics = new Metrics();
  private final UpstreamClient upstream;
  private final Resolver resolver;
  private final DnsServer dns;
  private final HttpApi http;
  private final InetSocketAddress listen;
  private volatile InetSocketAddress dnsAddress;
  private InetSocketAddress httpAddress;

  public ResolverServer(ResolverConfig cfg, Clock clock, TaskScheduler scheduler)
      throws IOException {
    ResponseCache cache =
        new ResponseCache(
            cfg.cacheMaxEntries(), cfg.cacheMaxBytes(), cfg.staleMax().toMillis(), clock);
    metrics.cacheGauges(cache::entries, cache::bytes);
    // apart from the cache, so a flush or an eviction does not make the guard forget
    // (resolver/README.md)
    GuardMemory guardMemory = new GuardMemory(cfg.guardMemory(), cfg.staleMax().toMillis());
    metrics.guardMemoryGauge(guardMemory::size);
    this.upstream =
        new UpstreamClient(
            metrics, cfg.upstreamTimeout(), cfg.upstreamAttempts(), cfg.upstreamBackoff());
    this.resolver = new Resolver(cfg, cache, guardMemory, upstream, metrics, clock, scheduler);
    QueryHandler handler =
        new QueryHandler(
            resolver,
            new ClientAcl(cfg.allow()),
            new RateLimiter(cfg.rateLimit(), clock),
            metrics,
            clock);
    this.dns =
        new DnsServer(
            handler,
            2,
            new DnsServer.TcpLimits(
                cfg.tcpIdleTimeout(),
                cfg.tcpMaxLifetime(),
                cfg.tcpMaxConnections(),
                cfg.tcpPipeline()),
            metrics);
    this.http =
        new HttpApi(
            cfg.http(), cfg.apiToken(), metrics, cache, guardMemory, () -> dnsAddress != null);
    this.listen = cfg.listen();
  }

  /** Binds both listeners; returns this. */
  public ResolverServer start() throws InterruptedException {
    dnsAddress = dns.start(listen);
    httpAddress = http.start();
    return this;
  }

  /** A scheduler on a daemon thread, for production. */
  public static TaskScheduler realScheduler() {
    ScheduledExecutorService ses =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "resolver-scheduler");
              t.setDaemon(true);
              return t;
            });
    return (delay, task) -> ses.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  public InetSocketAddress dnsAddress() {
    return dnsAddress;
  }

  public InetSocketAddress httpAddress() {
    return httpAddress;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Resolver resolver() {
    return resolver;
  }

  @Override
  public void close() {
    http.close();
    dns.close();
    upstream.close();
  }
}
