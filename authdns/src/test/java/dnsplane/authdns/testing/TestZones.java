package dnsplane.authdns.testing;

/** Zone texts several tests import. */
public final class TestZones {

  /** example.org.: SOA, NS, ns1 A 192.0.2.1 and www A 192.0.2.10. */
  public static final String EXAMPLE_ORG =
      """
      $ORIGIN example.org.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      """;

  private TestZones() {}
}
