package dnsplane.enactor;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.net.ControlChannelGuard;
import dnsplane.enactor.config.Flags;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Application is the enactor's main: {@code --az NAME [--mode safe|legacy] [--http HOST:PORT]
 * [--delay ENDPOINT=DURATION]... [--keep K] [--authdns HOST:PORT]} (see {@link Flags}). It migrates
 * the database, then serves the admin API while the apply loop runs. Without DNSPLANE_API_TOKEN it
 * refuses to listen on anything but loopback (exit code 2).
 */
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    CommandLine cl = Flags.commandLine(env);
    int code =
        CommandLines.run(
            "enactor",
            cl,
            args,
            System.out,
            System.err,
            parsed -> {
              Flags flags = Flags.from(cl);
              String token = env.get("DNSPLANE_API_TOKEN");
              try {
                ControlChannelGuard.requireSafeListen(
                    InetSocketAddress.createUnresolved(flags.httpHost(), flags.httpPort()), token);
              } catch (IllegalArgumentException e) {
                throw CommandLines.invalid(cl, e.getMessage());
              }
              start(flags, DbSettings.fromEnv(env), token);
              return 0; // Micronaut's threads keep serving
            });
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Migrates the database and starts the service; the caller owns the returned context. */
  static ApplicationContext start(Flags flags, DbSettings db, String token) {
    DbBootstrap.prepare(db);
    return Micronaut.build(new String[0])
        .mainClass(Application.class)
        .banner(false)
        .properties(properties(flags, db, token))
        .singletons(flags.config())
        .start();
  }

  /** Micronaut's own properties: where to listen, the API token, the database. */
  static Map<String, Object> properties(Flags flags, DbSettings db, String token) {
    Map<String, Object> p = new HashMap<>();
    if (token != null && !token.isBlank()) {
      p.put("dnsplane.api.token", token);
    }
    p.put("micronaut.server.host", flags.httpHost());
    p.put("micronaut.server.port", flags.httpPort());
    p.put("enactor.db.url", db.jdbcUrl());
    p.put("enactor.db.user", db.user());
    p.put("enactor.db.password", db.password());
    return p;
  }
}
