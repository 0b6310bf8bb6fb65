package dnsplane.enactor;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.net.ControlChannelGuard;
import io.micronaut.runtime.Micronaut;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Application is the enactor's main: {@code --az NAME [--mode safe|legacy] [--http HOST:PORT]
 * [--delay ENDPOINT=DURATION]... [--keep K] [--authdns HOST:PORT]} (see {@link Flags}). It migrates
 * the database, then serves the admin API while the apply loop runs. Without DNSPLANE_API_TOKEN it
 * refuses to listen on anything but loopback (exit code 2).
 */
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    Flags flags;
    try {
      flags = Flags.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("enactor: " + e.getMessage());
      System.exit(2);
      return;
    }
    String token = System.getenv("DNSPLANE_API_TOKEN");
    try {
      ControlChannelGuard.requireSafeListen(
          InetSocketAddress.createUnresolved(flags.httpHost(), flags.httpPort()), token);
    } catch (IllegalArgumentException e) {
      System.err.println("enactor: " + e.getMessage());
      System.exit(2);
      return;
    }
    DbSettings db = DbSettings.fromEnv();
    DbBootstrap.prepare(db);
    Micronaut.build(new String[0])
        .mainClass(Application.class)
        .banner(false)
        .properties(properties(flags, db, token))
        .start();
  }

  /** The Micronaut properties these flags and database settings become. */
  static Map<String, Object> properties(Flags flags, DbSettings db, String token) {
    Map<String, Object> p = new HashMap<>();
    if (token != null && !token.isBlank()) {
      p.put("dnsplane.api.token", token);
    }
    p.put("micronaut.server.host", flags.httpHost());
    p.put("micronaut.server.port", flags.httpPort());
    p.put("enactor.az", flags.az());
    p.put("enactor.mode", flags.mode().wire());
    p.put("enactor.keep", flags.keep());
    p.put("enactor.authdns", flags.authdns());
    p.put(
        "enactor.delays",
        flags.delays().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(",")));
    p.put("enactor.db.url", db.jdbcUrl());
    p.put("enactor.db.user", db.user());
    p.put("enactor.db.password", db.password());
    return p;
  }
}
