package dnsplane.resolver;

import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.NettyDefaults;
import dnsplane.resolver.config.ConfigLoader;
import dnsplane.resolver.config.Flags;
import dnsplane.resolver.config.ResolverConfig;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Main runs the resolver: {@code [-h] [--config FILE] [--KEY VALUE]...}. Every key of
 * resolver/README.md can be given as a flag, an environment variable (DNSPLANE_RESOLVER_KEY) or in
 * the file; {@code --help} lists them with their defaults and variables.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    NettyDefaults.apply();
    AtomicReference<ResolverConfig> parsed = new AtomicReference<>();
    int code = configure(args, System.getenv(), System.out, System.err, parsed::set);
    if (code != 0) {
      System.exit(code);
      return;
    }
    ResolverConfig cfg = parsed.get();
    if (cfg == null) {
      return; // --help
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

  /**
   * Reads the command line and the environment into a configuration for {@code use}; prints the
   * help, or what is wrong with a bad command line or value (as {@code resolver: MESSAGE} and the
   * synopsis), the way every dnsplane main does ({@link CommandLines#run}).
   *
   * @return the exit code: 0 (a configuration went to {@code use}, or the help was printed), or 2
   */
  static int configure(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Consumer<ResolverConfig> use) {
    CommandLine cl = Flags.commandLine(env);
    return CommandLines.run(
        Flags.PROGRAM,
        cl,
        args,
        out,
        err,
        parsed -> {
          try {
            ResolverConfig config = ConfigLoader.load(parsed, env);
            ResolverConfig.checkCacheFitsHeap(
                config.cacheMaxBytes(), Runtime.getRuntime().maxMemory());
            use.accept(config);
          } catch (IllegalArgumentException e) {
            throw CommandLines.invalid(cl, e.getMessage());
          }
          return 0;
        });
  }
}
