package dnsplane.resolver.config;

import dnsplane.db.cli.CommandLines;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.ParseResult;

/**
 * ConfigLoader merges the three sources of configuration, later ones winning: the YAML file ({@code
 * --config FILE} or DNSPLANE_RESOLVER_CONFIG), environment variables (DNSPLANE_RESOLVER_ + key in
 * upper case with _ for -), and command-line flags ({@link Flags}: {@code --key value} or {@code
 * --key=value}; {@code --stub-zone} may repeat). The flush API's token comes from
 * DNSPLANE_API_TOKEN, like the other services' (DNSPLANE_RESOLVER_API_TOKEN works too).
 */
public final class ConfigLoader {

  /** The token every dnsplane service reads (the planner and the enactors too). */
  static final String API_TOKEN_ENV = "DNSPLANE_API_TOKEN";

  private ConfigLoader() {}

  /**
   * The configuration {@code args} and {@code env} make.
   *
   * @throws picocli.CommandLine.ParameterException for a command line that cannot be parsed (an
   *     unknown flag, a flag without its value)
   * @throws IllegalArgumentException naming the key, for a bad value; naming the file, for a file
   *     that cannot be read
   */
  public static ResolverConfig load(String[] args, Map<String, String> env) {
    return load(CommandLines.parse(Flags.commandLine(env), args), env);
  }

  /**
   * The configuration a parsed command line ({@link Flags#commandLine}) and {@code env} make.
   *
   * @throws IllegalArgumentException naming the key, for a bad value; naming the file, for a file
   *     that cannot be read
   */
  public static ResolverConfig load(ParseResult parsed, Map<String, String> env) {
    String file = Flags.config(parsed);
    if (file == null) {
      file = env.get(Flags.variable(Flags.CONFIG));
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(readYaml(Path.of(file)));
    }
    for (String key : ResolverConfig.DEFAULTS.keySet()) {
      String e = env.get(Flags.variable(key));
      if (e != null) {
        merged.put(key, e);
      }
    }
    String token = env.get(API_TOKEN_ENV);
    if (token != null && !token.isBlank()) {
      merged.put("api-token", token);
    }
    merged.putAll(Flags.values(parsed));
    return ResolverConfig.from(merged);
  }

  static Map<String, Object> readYaml(Path path) {
    Object doc;
    try (Reader r = Files.newBufferedReader(path)) {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config: no such file: " + path, e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("config: permission denied: " + path, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("config: cannot read " + path + ": " + e, e);
    } catch (YAMLException e) {
      String why = String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ");
      throw new IllegalArgumentException("config: " + path + " is not YAML: " + why, e);
    }
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
