package dnsplane.planner.console;

import dnsplane.planner.config.Setting;
import dnsplane.planner.endpoint.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ConsoleSettings is {@link ConsoleProperties} read into the types the console works with. PURE.
 *
 * @param servers the DNS servers to ask: authdns first (if any), then the resolvers, in order
 * @param enactors the enactors' admin API base URIs by availability zone, in order
 */
public record ConsoleSettings(
    List<DnsServer> servers,
    Map<String, URI> enactors,
    Duration probeInterval,
    Duration history,
    int maxProbed) {

  /** The name authdns is shown under. */
  public static final String AUTHDNS = "authdns";

  public ConsoleSettings {
    servers = List.copyOf(servers);
    enactors = Collections.unmodifiableMap(new LinkedHashMap<>(enactors));
  }

  /**
   * @throws dnsplane.planner.config.InvalidSettingException naming the first bad setting and its
   *     environment variable
   */
  public static ConsoleSettings parse(ConsoleProperties p) {
    String prefix = ConsoleProperties.PREFIX;
    List<DnsServer> servers = new ArrayList<>();
    Setting authdns = Setting.of(prefix, "authdns");
    String a = p.authdns() == null ? "" : p.authdns().trim();
    if (!a.isEmpty() && !a.equalsIgnoreCase("off")) {
      servers.add(new DnsServer(AUTHDNS, DnsServer.Kind.AUTHDNS, hostPort(authdns, a, a)));
    }
    Setting resolvers = Setting.of(prefix, "resolvers");
    for (String[] pair : pairs(resolvers, p.resolvers(), "name=HOST:PORT")) {
      if (!pair[0].matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
        throw resolvers.bad(
            p.resolvers(), "names a resolver '" + pair[0] + "': use letters, digits, - and _");
      }
      if (pair[0].equals(AUTHDNS) || servers.stream().anyMatch(s -> s.name().equals(pair[0]))) {
        throw resolvers.bad(p.resolvers(), "names '" + pair[0] + "' twice (or as authdns)");
      }
      servers.add(
          new DnsServer(
              pair[0], DnsServer.Kind.RESOLVER, hostPort(resolvers, p.resolvers(), pair[1])));
    }
    Setting enactorSetting = Setting.of(prefix, "enactors");
    Map<String, URI> enactors = new LinkedHashMap<>();
    for (String[] pair : pairs(enactorSetting, p.enactors(), "az=http://HOST:PORT")) {
      if (!pair[0].matches("[a-z0-9-]+")) {
        throw enactorSetting.bad(
            p.enactors(), "names an enactor '" + pair[0] + "': an az is [a-z0-9-]+");
      }
      if (enactors.containsKey(pair[0])) {
        throw enactorSetting.bad(p.enactors(), "names '" + pair[0] + "' twice");
      }
      enactors.put(pair[0], baseUri(enactorSetting, p.enactors(), pair[1]));
    }
    Duration interval = Setting.of(prefix, "probe-interval").positiveDuration(p.probeInterval());
    Duration history = Setting.of(prefix, "history").positiveDuration(p.history());
    if (history.compareTo(interval) < 0) {
      throw Setting.of(prefix, "history")
          .bad(p.history(), "must be at least the probe interval (" + p.probeInterval() + ")");
    }
    int maxProbed = Setting.of(prefix, "max-probed").wholeNumber(p.maxProbed(), 0, 100_000);
    return new ConsoleSettings(servers, enactors, interval, history, maxProbed);
  }

  /** The resolvers and authdns by name. */
  public DnsServer server(String name) {
    return servers.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  private static List<String[]> pairs(Setting setting, String text, String shape) {
    List<String[]> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String item : text.split(",")) {
      String t = item.trim();
      if (t.isEmpty()) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq <= 0 || eq == t.length() - 1) {
        throw setting.bad(text, "must be a comma-separated list of " + shape);
      }
      out.add(new String[] {t.substring(0, eq).trim(), t.substring(eq + 1).trim()});
    }
    return out;
  }

  private static DnsServer.Address hostPort(Setting setting, String text, String value) {
    try {
      HostPort hp = HostPort.parse(value);
      return new DnsServer.Address(hp.host(), hp.port());
    } catch (IllegalArgumentException e) {
      throw setting.bad(text, "must name HOST:PORT ([::1]:1053 for IPv6): " + e.getMessage());
    }
  }

  private static URI baseUri(Setting setting, String text, String value) {
    try {
      URI u = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())
          || u.getHost() == null
          || u.getPort() < 0) {
        throw new URISyntaxException(value, "not http(s)://HOST:PORT");
      }
      return u;
    } catch (URISyntaxException e) {
      throw setting.bad(text, "must give each enactor as az=http://HOST:PORT, not " + value);
    }
  }
}
