package dnsplane.resolver;

import dnsplane.resolver.config.ConfigLoader;
import dnsplane.resolver.config.ResolverConfig;
import io.netty.util.ResourceLeakDetector;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main runs the resolver: {@code [--listen HOST:PORT] [--http HOST:PORT] [--config FILE] [--KEY
 * VALUE]...}. Every key of resolver/README.md can be given as a flag, an environment variable
 * (DNSPLANE_RESOLVER_KEY) or in the file.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    // Netty samples buffers for leak reports by default; on the DNS hot path that costs CPU.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(
          "usage: resolver [--listen HOST:PORT] [--http HOST:PORT] [--config FILE] [--KEY"
              + " VALUE]...");
      System.out.println("keys and defaults: " + ResolverConfig.DEFAULTS);
      return;
    }
    ResolverConfig cfg;
    try {
      cfg = ConfigLoader.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("resolver: " + e.getMessage());
      System.exit(2);
      return;
    }
    ResolverServer server =
        new ResolverServer(cfg, Clock.systemUTC(), ResolverServer.realScheduler()).start();
    log.info(
        "resolver ready: dns {} http {} stub-zones {} forwarder {} guard {}",
        server.dnsAddress(),
        server.httpAddress(),
        cfg.stubZones(),
        cfg.forwarders(),
        cfg.guard() ? "on" : "off");
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  done.countDown();
                }));
    done.await();
  }
}
