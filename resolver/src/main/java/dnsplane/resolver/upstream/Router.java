package dnsplane.resolver.upstream;

import dnsplane.resolver.config.ResolverConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Router picks where a name is resolved (PURE): the longest matching stub zone, else the forwarder,
 * else nowhere.
 */
public final class Router {
  /** A destination: the zone it serves (the root for a forwarder) and its servers. */
  public record Route(Name zone, List<InetSocketAddress> servers) {}

  private final List<Route> routes;

  public Router(List<ResolverConfig.StubZone> stubs, List<InetSocketAddress> forwarders) {
    List<Route> r = new ArrayList<>();
    stubs.forEach(s -> r.add(new Route(s.zone(), s.servers())));
    if (!forwarders.isEmpty()) {
      r.add(new Route(Name.root, forwarders));
    }
    this.routes = List.copyOf(r);
  }

  /**
   * The route for {@code name}, or null. Stub zones arrive longest first, so the first match is the
   * most specific.
   */
  public Route route(Name name) {
    for (Route r : routes) {
      if (name.subdomain(r.zone())) {
        return r;
      }
    }
    return null;
  }
}
