package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.config.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {

  private static ConsoleProperties props(
      String authdns,
      String resolvers,
      String enactors,
      String interval,
      String history,
      String max) {
    return new ConsoleProperties(authdns, resolvers, enactors, interval, history, max);
  }

  @Test
  void defaultsAskAuthdnsOnly() {
    ConsoleSettings s = ConsoleSettings.parse(ConsoleProperties.defaults());
    assertEquals(1, s.servers().size());
    assertEquals("authdns", s.servers().get(0).name());
    assertEquals("127.0.0.1:1053", s.servers().get(0).address().toString());
    assertTrue(s.enactors().isEmpty());
    assertEquals(Duration.ofSeconds(1), s.probeInterval());
    assertEquals(Duration.ofMinutes(10), s.history());
    assertEquals(50, s.maxProbed());
  }

  @Test
  void listsAreReadInOrder() {
    ConsoleSettings s =
        ConsoleSettings.parse(
            props(
                "127.0.0.1:1353",
                "resolver=127.0.0.1:1354, resolver-noguard=[::1]:1364",
                "az-a=http://127.0.0.1:8382,az-b=http://127.0.0.1:8383/",
                "500ms",
                "2m",
                "7"));
    assertEquals(
        List.of("authdns", "resolver", "resolver-noguard"),
        s.servers().stream().map(DnsServer::name).toList());
    assertEquals(DnsServer.Kind.RESOLVER, s.server("resolver-noguard").kind());
    assertEquals("[::1]:1364", s.server("resolver-noguard").address().toString());
    assertEquals(URI.create("http://127.0.0.1:8383"), s.enactors().get("az-b"));
    assertEquals(List.of("az-a", "az-b"), List.copyOf(s.enactors().keySet()));
    assertEquals(Duration.ofMillis(500), s.probeInterval());
    assertEquals(7, s.maxProbed());
  }

  @Test
  void authdnsOffOrEmptyIsNotAsked() {
    for (String off : new String[] {"", "off", " OFF "}) {
      assertTrue(
          ConsoleSettings.parse(props(off, null, null, "1s", "10m", "50")).servers().isEmpty());
    }
  }

  @Test
  void badValuesNameTheSettingAndItsVariable() {
    String[][] cases = {
      {"nohost", null, null, "1s", "10m", "50", "DNSPLANE_CONSOLE_AUTHDNS"},
      {"127.0.0.1:1053", "resolver", null, "1s", "10m", "50", "DNSPLANE_CONSOLE_RESOLVERS"},
      {
        "127.0.0.1:1053",
        "a=127.0.0.1:1,a=127.0.0.1:2",
        null,
        "1s",
        "10m",
        "50",
        "DNSPLANE_CONSOLE_RESOLVERS"
      },
      {
        "127.0.0.1:1053",
        "authdns=127.0.0.1:1",
        null,
        "1s",
        "10m",
        "50",
        "DNSPLANE_CONSOLE_RESOLVERS"
      },
      {"127.0.0.1:1053", null, "az-a=ftp://x:1", "1s", "10m", "50", "DNSPLANE_CONSOLE_ENACTORS"},
      {
        "127.0.0.1:1053",
        null,
        "AZ A=http://127.0.0.1:1",
        "1s",
        "10m",
        "50",
        "DNSPLANE_CONSOLE_ENACTORS"
      },
      {
        "127.0.0.1:1053",
        null,
        "az-a=http://127.0.0.1",
        "1s",
        "10m",
        "50",
        "DNSPLANE_CONSOLE_ENACTORS"
      },
      {"127.0.0.1:1053", null, null, "0", "10m", "50", "DNSPLANE_CONSOLE_PROBE_INTERVAL"},
      {"127.0.0.1:1053", null, null, "soon", "10m", "50", "DNSPLANE_CONSOLE_PROBE_INTERVAL"},
      {"127.0.0.1:1053", null, null, "1m", "30s", "50", "DNSPLANE_CONSOLE_HISTORY"},
      {"127.0.0.1:1053", null, null, "1s", "10m", "-1", "DNSPLANE_CONSOLE_MAX_PROBED"},
    };
    for (String[] c : cases) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class,
              () -> ConsoleSettings.parse(props(c[0], c[1], c[2], c[3], c[4], c[5])),
              String.join(" ", java.util.Arrays.asList(c)));
      assertTrue(e.getMessage().contains(c[6]), e.getMessage());
    }
  }
}
