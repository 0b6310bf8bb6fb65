package dnsplane.resolver.config;

import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.HelpOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Flags is the resolver's command line (picocli, through {@link CommandLines}): {@code --KEY VALUE}
 * or {@code --KEY=VALUE} for every key of {@link ResolverConfig#DEFAULTS}, {@code --config FILE},
 * and {@code -h}/{@code --help}. The options are made from the keys, so a new key is a new flag
 * (and a new variable, see {@link #variable}); its help line comes from {@link #HELP}.
 *
 * <p>A repeated flag's last value wins, except for the keys that hold lists ({@code stub-zones},
 * spelled {@code --stub-zone} too, {@code forwarder}, {@code guard-suffixes}, {@code allow}): their
 * repeats add up. Flags carry strings only: {@link ResolverConfig#from} checks every value,
 * whichever source it came from.
 */
public final class Flags {

  /** The program name in help and in error messages. */
  public static final String PROGRAM = "resolver";

  /** Every variable's prefix: DNSPLANE_RESOLVER_ + the key in upper case with _ for -. */
  static final String ENV_PREFIX = "DNSPLANE_RESOLVER_";

  /** The variable (and flag) naming the YAML file. */
  static final String CONFIG = "config";

  /** How one key shows in the help: what its value looks like, what it means, may it repeat. */
  record Help(String label, String meaning, boolean repeats) {}

  /** The help line of each key of {@link ResolverConfig#DEFAULTS} (resolver/README.md has more). */
  static final Map<String, Help> HELP = help();

  private Flags() {}

  private static Map<String, Help> help() {
    Map<String, Help> h = new LinkedHashMap<>();
    h.put("listen", new Help("HOST:PORT", "DNS address, UDP and TCP.", false));
    h.put("http", new Help("HOST:PORT", "HTTP address: /health, /metrics, /cache/flush.", false));
    h.put(
        "stub-zones",
        new Help(
            "ZONE=HOST:PORT[,...]",
            "Zones and their authoritative servers; the longest matching zone wins. One flag may"
                + " name several zones, joined by ';'; --stub-zone may repeat, a zone each.",
            true));
    h.put(
        "forwarder",
        new Help("HOST:PORT[,HOST:PORT]", "Servers for names under no stub zone.", true));
    h.put(
        "no-route",
        new Help(
            "refused|servfail", "The answer for names with no stub zone and no forwarder.", false));
    h.put("max-ttl", new Help("SECONDS", "Longest time a positive answer is cached.", false));
    h.put(
        "max-negative-ttl",
        new Help("SECONDS", "Longest time a negative answer is cached.", false));
    h.put(
        "stale-max",
        new Help(
            "DURATION",
            "How long after expiry an answer may still be served stale; also the guard's window.",
            false));
    h.put("stale-ttl", new Help("SECONDS", "TTL on stale answers.", false));
    h.put(
        "stale-recheck",
        new Help(
            "DURATION",
            "After a failed refresh, serve stale without asking upstream for this long.",
            false));
    h.put(
        "client-timeout",
        new Help(
            "DURATION",
            "How long a client waits for a refresh before getting the stale answer.",
            false));
    h.put("upstream-timeout", new Help("DURATION", "Timeout of one upstream attempt.", false));
    h.put(
        "upstream-attempts",
        new Help(
            "N", "Attempts per upstream resolution, rotating over the route's servers.", false));
    h.put(
        "upstream-backoff",
        new Help(
            "DURATION",
            "Base of the exponential backoff (with jitter) between attempts; capped at 16x.",
            false));
    h.put("guard", new Help("on|off", "The empty-answer guard.", false));
    h.put("guard-suffixes", new Help("NAME[,NAME]", "Names at or below these are guarded.", true));
    h.put(
        "guard-confirm",
        new Help(
            "DURATION",
            "How long an empty answer must be seen consistently before it is believed.",
            false));
    h.put(
        "guard-retry-min",
        new Help(
            "DURATION",
            "First re-ask delay while an empty answer is suspect (doubles, with jitter).",
            false));
    h.put("guard-retry-max", new Help("DURATION", "Longest re-ask delay while suspect.", false));
    h.put(
        "guard-memory",
        new Help(
            "N",
            "Most guarded questions whose last positive answer the guard remembers apart from"
                + " the cache; 0 = off.",
            false));
    h.put(
        "allow",
        new Help("CIDR[,CIDR]", "Client networks that get answers; others get REFUSED.", true));
    h.put(
        "rate-limit",
        new Help(
            "N", "Queries per second per client (an IPv4 address, an IPv6 /64); 0 = off.", false));
    h.put(
        "max-pending-misses",
        new Help(
            "N",
            "Most upstream resolutions outstanding at once; a miss beyond it gets SERVFAIL (or"
                + " its stale answer).",
            false));
    h.put(
        "tcp-idle-timeout",
        new Help(
            "DURATION",
            "A TCP connection is closed after this long without a complete query.",
            false));
    h.put(
        "tcp-max-lifetime",
        new Help(
            "DURATION",
            "A TCP connection is closed this long after it opened, busy or not.",
            false));
    h.put("tcp-max-connections", new Help("N", "Most TCP connections open at once.", false));
    h.put(
        "tcp-pipeline",
        new Help("N", "Most queries of one TCP connection answered at once.", false));
    h.put("cache-max-entries", new Help("N", "Most entries in the cache.", false));
    h.put("cache-max-bytes", new Help("SIZE", "Most bytes of cached answers.", false));
    h.put(
        "prefetch",
        new Help(
            "N",
            "Hits after which an entry near expiry is refreshed ahead of time; 0 = off.",
            false));
    h.put(
        "api-token",
        new Help(
            "TOKEN",
            "Bearer token for POST /cache/flush; unset, --http must be a loopback address. Prefer"
                + " the variable: ps shows flags.",
            false));
    return java.util.Collections.unmodifiableMap(h);
  }

  /** The variable that sets {@code key}: DNSPLANE_RESOLVER_ + KEY, with _ for -. */
  public static String variable(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The resolver's command line, reading {@code env} (see {@link CommandLines#create}). The keys'
   * variables are not picocli defaults: {@link ConfigLoader} lays them over the file and under the
   * flags.
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandSpec spec = CommandSpec.create().name(PROGRAM);
    spec.usageMessage()
        .description(
            "A caching DNS resolver with negative caching, serve-stale and an empty-answer guard.")
        .customSynopsis(PROGRAM + " [-h] [--config FILE] [--KEY VALUE]...")
        .sortOptions(false)
        .footer(
            "",
            "Each key is read from the --config file, then its variable, then its flag: the"
                + " later wins. Durations are 250ms, 30s, 5m, 2h, 1d or seconds; sizes 512k, 64m,"
                + " 1g or bytes. Keys in full: resolver/README.md.");
    spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
    spec.addOption(
        OptionSpec.builder("--" + CONFIG)
            .paramLabel("FILE")
            .type(String.class)
            .description(
                "A YAML file setting any of the keys below.",
                "Default: none; variable: " + variable(CONFIG) + ".")
            .build());
    for (Map.Entry<String, Object> e : ResolverConfig.DEFAULTS.entrySet()) {
      spec.addOption(option(e.getKey(), String.valueOf(e.getValue())));
    }
    return CommandLines.create(spec, env);
  }

  private static OptionSpec option(String key, String defaultValue) {
    Help help = HELP.getOrDefault(key, new Help("VALUE", "", false));
    String[] names = key.equals("stub-zones") ? new String[] {"--stub-zone"} : new String[0];
    OptionSpec.Builder b = OptionSpec.builder("--" + key, names).paramLabel(help.label());
    if (help.repeats()) {
      b.type(List.class).auxiliaryTypes(String.class).arity("1");
    } else {
      b.type(String.class).arity("1");
    }
    String variables =
        key.equals("api-token")
            ? ConfigLoader.API_TOKEN_ENV + " (or " + variable(key) + ")"
            : variable(key);
    String shown =
        defaultValue.isEmpty() ? (key.equals("api-token") ? "unset" : "none") : defaultValue;
    List<String> description = new ArrayList<>();
    if (!help.meaning().isEmpty()) {
      description.add(help.meaning());
    }
    description.add("Default: " + shown + "; variable: " + variables + ".");
    return b.description(description.toArray(String[]::new)).build();
  }

  /**
   * The keys given as flags, each to its value: the last one given, or for the keys that hold lists
   * and were repeated, every one in order.
   */
  static Map<String, Object> values(ParseResult parsed) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : ResolverConfig.DEFAULTS.keySet()) {
      OptionSpec option = parsed.matchedOption("--" + key);
      if (option == null) {
        continue;
      }
      Object value = option.getValue();
      if (value instanceof List<?> l) {
        // Stub zones in text are joined by ';' (each flag may name several); the rest take lists.
        value =
            key.equals("stub-zones")
                ? String.join(";", l.stream().map(String::valueOf).toList())
                : List.copyOf(l);
      }
      out.put(key, value);
    }
    return out;
  }

  /** The file {@code --config} names, or null. */
  static String config(ParseResult parsed) {
    return parsed.matchedOptionValue("--" + CONFIG, null);
  }
}
