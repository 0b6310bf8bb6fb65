package dnsplane.resolver.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * ConfigLoader merges the three sources of configuration, later ones winning: the YAML file ({@code
 * --config FILE} or DNSPLANE_RESOLVER_CONFIG), environment variables (DNSPLANE_RESOLVER_ + key in
 * upper case with _ for -), and command-line flags ({@code --key value}; {@code --stub-zone} may
 * repeat). The flush API's token comes from DNSPLANE_API_TOKEN, like the other services'
 * (DNSPLANE_RESOLVER_API_TOKEN works too).
 */
public final class ConfigLoader {
  static final String ENV_PREFIX = "DNSPLANE_RESOLVER_";

  /** The token every dnsplane service reads (the planner and the enactors too). */
  static final String API_TOKEN_ENV = "DNSPLANE_API_TOKEN";

  private ConfigLoader() {}

  public static ResolverConfig load(String[] args, Map<String, String> env) throws IOException {
    Map<String, Object> flags = flags(args);
    Object file = flags.remove("config");
    if (file == null) {
      file = env.get(ENV_PREFIX + "CONFIG");
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(readYaml(Path.of(String.valueOf(file))));
    }
    for (String key : ResolverConfig.DEFAULTS.keySet()) {
      String e = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (e != null) {
        merged.put(key, e);
      }
    }
    String token = env.get(API_TOKEN_ENV);
    if (token != null && !token.isBlank()) {
      merged.put("api-token", token);
    }
    merged.putAll(flags);
    return ResolverConfig.from(merged);
  }

  /** Parses {@code --key value} and {@code --key=value}; repeated keys become lists. */
  static Map<String, Object> flags(String[] args) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + a + "' (flags are --key value)");
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("flag --" + key + " needs a value");
      }
      if (key.equals("stub-zone")) {
        key = "stub-zones";
      }
      Object prev = out.get(key);
      if (prev == null) {
        out.put(key, value);
      } else {
        List<Object> l =
            prev instanceof List<?> pl ? new ArrayList<>(pl) : new ArrayList<>(List.of(prev));
        l.add(value);
        out.put(key, l);
      }
    }
    return out;
  }

  static Map<String, Object> readYaml(Path path) throws IOException {
    try (Reader r = Files.newBufferedReader(path)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(path + ": expected a mapping of keys to values");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
  }
}
