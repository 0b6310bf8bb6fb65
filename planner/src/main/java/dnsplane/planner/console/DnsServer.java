package dnsplane.planner.console;

/**
 * DnsServer is one DNS server the console asks: authdns, or a resolver under the name the page
 * shows it by.
 */
public record DnsServer(String name, Kind kind, Address address) {

  /** What the server is: the authoritative server, or a resolver (asked with RD=1). */
  public enum Kind {
    AUTHDNS,
    RESOLVER;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A host literal and port. */
  public record Address(String host, int port) {
    @Override
    public String toString() {
      return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
  }
}
