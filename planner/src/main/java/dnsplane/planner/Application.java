package dnsplane.planner;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.planner.endpoint.HostPort;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Application starts the planner: {@code [--http HOST:PORT]} (default 127.0.0.1:8081, env
 * DNSPLANE_PLANNER_HTTP). It migrates the database first, then starts Micronaut on the same
 * database. Without DNSPLANE_API_TOKEN it refuses to listen on anything but loopback.
 */
public final class Application {

  public static final String DEFAULT_HTTP = "127.0.0.1:8081";

  private Application() {}

  /** The parsed command line. */
  public record Options(HostPort http) {}

  public static void main(String[] args) {
    try {
      start(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("planner: " + e.getMessage());
      System.err.println("usage: planner [--http HOST:PORT]   (default " + DEFAULT_HTTP + ")");
      System.exit(2);
    }
  }

  /**
   * Parses {@code args}, checks the listen policy, migrates the database named by {@code env} and
   * starts the HTTP service; the caller owns (and eventually closes) the returned context.
   *
   * @throws IllegalArgumentException for a bad command line or an unsafe listen address
   */
  public static ApplicationContext start(String[] args, Map<String, String> env) {
    Options options = parse(args, env);
    requireSafeListen(options.http(), env.get("DNSPLANE_API_TOKEN"));
    DbSettings db = DbSettings.fromEnv(env);
    DbBootstrap.prepare(db);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("micronaut.server.host", options.http().host());
    props.put("micronaut.server.port", options.http().port());
    props.put("datasources.default.url", db.jdbcUrl());
    props.put("datasources.default.username", db.user());
    props.put("datasources.default.password", db.password());
    String token = env.get("DNSPLANE_API_TOKEN");
    if (token != null && !token.isBlank()) {
      props.put("dnsplane.api.token", token);
    }
    return Micronaut.build(new String[0]).mainClass(Application.class).properties(props).start();
  }

  /** Parses the command line; the environment supplies defaults. */
  public static Options parse(String[] args, Map<String, String> env) {
    String http = env.getOrDefault("DNSPLANE_PLANNER_HTTP", DEFAULT_HTTP);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--http")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--http needs HOST:PORT");
        }
        http = args[++i];
      } else if (a.startsWith("--http=")) {
        http = a.substring("--http=".length());
      } else {
        throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    return new Options(HostPort.parse(http));
  }

  /**
   * Refuses a non-loopback listen address unless an API token is set: otherwise anyone on the
   * network could rewrite the endpoints.
   */
  public static void requireSafeListen(HostPort http, String token) {
    if ((token == null || token.isBlank()) && !http.isLoopback()) {
      throw new IllegalArgumentException(
          "refusing to listen on "
              + http
              + " without DNSPLANE_API_TOKEN: mutating calls would be open"
              + " to the network; set a token or listen on loopback");
    }
  }
}
