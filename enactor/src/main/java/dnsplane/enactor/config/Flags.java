package dnsplane.enactor;

import dnsplane.db.Names;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.rules.Mode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Flags is the enactor's command line, {@code --az NAME [--mode safe|legacy] [--http HOST:PORT]
 * [--delay ENDPOINT=DURATION]... [--keep K] [--authdns HOST:PORT]}, each also readable from the
 * environment (DNSPLANE_ENACTOR_AZ, _MODE, _HTTP, _KEEP, _DELAYS as "e1=20s,e2=1m", and
 * DNSPLANE_AUTHDNS). Flags win over the environment.
 */
public record Flags(
    String az,
    Mode mode,
    String httpHost,
    int httpPort,
    Map<String, Duration> delays,
    int keep,
    String authdns) {

  public static final String DEFAULT_AUTHDNS = "127.0.0.1:1053";
  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of("az-a", 8082, "az-b", 8083, "az-c", 8084);

  public Flags {
    Objects.requireNonNull(az, "az");
    delays = Map.copyOf(delays);
  }

  public static Flags parse(String[] args, Map<String, String> env) {
    String az = env.get("DNSPLANE_ENACTOR_AZ");
    String mode = env.getOrDefault("DNSPLANE_ENACTOR_MODE", "safe");
    String http = env.get("DNSPLANE_ENACTOR_HTTP");
    String keep = env.getOrDefault("DNSPLANE_ENACTOR_KEEP", "" + EnactorSettings.DEFAULT_KEEP);
    String authdns = env.getOrDefault("DNSPLANE_AUTHDNS", DEFAULT_AUTHDNS);
    Map<String, Duration> delays = new LinkedHashMap<>();
    String envDelays = env.get("DNSPLANE_ENACTOR_DELAYS");
    if (envDelays != null && !envDelays.isBlank()) {
      for (String d : envDelays.split(",")) {
        addDelay(delays, d.strip());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--az" -> az = need(a, v);
        case "--mode" -> mode = need(a, v);
        case "--http" -> http = need(a, v);
        case "--keep" -> keep = need(a, v);
        case "--authdns" -> authdns = need(a, v);
        case "--delay" -> addDelay(delays, need(a, v));
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + a
                    + "; usage: --az NAME [--mode safe|legacy] [--http HOST:PORT]"
                    + " [--delay ENDPOINT=DURATION]... [--keep K] [--authdns HOST:PORT]");
      }
      i++;
    }
    if (az == null || az.isBlank()) {
      throw new IllegalArgumentException("--az NAME is required (e.g. --az az-a)");
    }
    if (http == null) {
      Integer port = DEFAULT_PORTS.get(az);
      if (port == null) {
        throw new IllegalArgumentException(
            "--http HOST:PORT is required for az " + az + " (defaults exist for az-a, az-b, az-c)");
      }
      http = "127.0.0.1:" + port;
    }
    int colon = http.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--http must be HOST:PORT, got " + http);
    }
    int k;
    try {
      k = Integer.parseInt(keep);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--keep must be a number, got " + keep);
    }
    if (k < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + k);
    }
    return new Flags(
        az,
        Mode.parse(mode),
        http.substring(0, colon),
        port(http.substring(colon + 1), "--http"),
        delays,
        k,
        authdns);
  }

  private static void addDelay(Map<String, Duration> delays, String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--delay must be ENDPOINT=DURATION, got " + spec);
    }
    delays.put(Names.canonical(spec.substring(0, eq)), Durations.parse(spec.substring(eq + 1)));
  }

  static int port(String s, String what) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // Reported below.
    }
    throw new IllegalArgumentException(what + " port must be 0-65535, got " + s);
  }

  private static String need(String flag, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
