package dnsplane.authdns.rrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import dnsplane.db.net.Cidr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rate-limiting flags and environment of {@code authdns serve}. */
class RrlCliTest {
  @Test
  void offByDefault() throws Exception {
    Cli.Serve s = (Cli.Serve) Cli.parse(new String[] {"serve"}, Map.of());
    assertFalse(s.rrl().enabled());
  }

  @Test
  void flagsOverrideTheEnvironment() throws Exception {
    Cli.Serve s =
        (Cli.Serve)
            Cli.parse(
                new String[] {
                  "serve",
                  "--rrl-rate",
                  "50",
                  "--rrl-whitelist",
                  "192.0.2.0/24,2001:db8::/32",
                  "--rrl-ipv6-prefix",
                  "48"
                },
                Map.of("DNSPLANE_AUTHDNS_RRL_RATE", "7", "DNSPLANE_AUTHDNS_RRL_SLIP", "0"));
    assertEquals(50, s.rrl().rate());
    assertEquals(0, s.rrl().slip());
    assertEquals(24, s.rrl().ipv4PrefixLength());
    assertEquals(48, s.rrl().ipv6PrefixLength());
    assertEquals(
        List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32")), s.rrl().whitelist());
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlagAndTheText() {
    for (String[] args :
        List.of(
            new String[] {"serve", "--rrl-rate", "lots"},
            new String[] {"serve", "--rrl-slip", "-1"},
            new String[] {"serve", "--rrl-whitelist", "example.org"},
            new String[] {"serve", "--rrl-ipv4-prefix", "33"},
            new String[] {"serve", "--rrl-ipv6-prefix", "128"})) {
      Cli.UsageException e =
          assertThrows(
              Cli.UsageException.class, () -> Cli.parse(args, Map.of()), String.join(" ", args));
      assertTrue(e.getMessage().startsWith(args[1] + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(args[2]), e.getMessage());
    }
  }

  @Test
  void theVariablesAreReadWhenNoFlagIsGiven() throws Exception {
    Cli.Serve s =
        (Cli.Serve)
            Cli.parse(
                new String[] {"serve", "--rrl-ipv4-prefix=20"},
                Map.of(
                    "DNSPLANE_AUTHDNS_RRL_RATE", "9",
                    "DNSPLANE_AUTHDNS_RRL_WHITELIST", "198.51.100.0/24",
                    "DNSPLANE_AUTHDNS_RRL_IPV4_PREFIX", "16",
                    "DNSPLANE_AUTHDNS_RRL_IPV6_PREFIX", "48"));
    assertEquals(9, s.rrl().rate());
    assertEquals(RrlConfig.DEFAULT_SLIP, s.rrl().slip());
    assertEquals(20, s.rrl().ipv4PrefixLength());
    assertEquals(48, s.rrl().ipv6PrefixLength());
    assertEquals(List.of(Cidr.parse("198.51.100.0/24")), s.rrl().whitelist());
  }
}
