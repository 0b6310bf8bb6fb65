package dnsplane.resolver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class ConfigLoaderTest {

  @Test
  void aFlagBeatsItsVariableWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("resolver.yaml");
    Files.writeString(f, "max-ttl: 300\nstale-ttl: 20\nprefetch: 7\n");
    Map<String, String> env =
        Map.of(
            "DNSPLANE_RESOLVER_CONFIG", f.toString(),
            "DNSPLANE_RESOLVER_MAX_TTL", "200",
            "DNSPLANE_RESOLVER_STALE_TTL", "10");
    ResolverConfig c = ConfigLoader.load(new String[] {"--max-ttl", "120"}, env);
    assertEquals(120, c.maxTtl(), "the flag beats the variable and the file");
    assertEquals(10, c.staleTtl(), "the variable beats the file");
    assertEquals(7, c.prefetch(), "the file beats the default");
    assertEquals(86400, ConfigLoader.load(new String[0], Map.of()).maxTtl(), "the default");
  }

  @Test
  void theConfigFlagBeatsTheConfigVariable(@TempDir Path dir) throws Exception {
    Path flag = Files.writeString(dir.resolve("flag.yaml"), "max-ttl: 1\n");
    Path env = Files.writeString(dir.resolve("env.yaml"), "max-ttl: 2\n");
    ResolverConfig c =
        ConfigLoader.load(
            new String[] {"--config=" + flag}, Map.of("DNSPLANE_RESOLVER_CONFIG", env.toString()));
    assertEquals(1, c.maxTtl());
  }

  @Test
  void flagsTakeTheirValueAfterAnEqualsSignToo() {
    ResolverConfig c =
        ConfigLoader.load(
            new String[] {
              "--listen=127.0.0.1:5300", "--stale-max=2h", "--stub-zone=a.test.=127.0.0.1:53"
            },
            Map.of());
    assertEquals(new InetSocketAddress("127.0.0.1", 5300), c.listen());
    assertEquals(Duration.ofHours(2), c.staleMax());
    assertEquals("a.test.", c.stubZones().get(0).zone().toString());
  }

  @Test
  void stubZoneRepeatsAndMeansStubZones() {
    ResolverConfig c =
        ConfigLoader.load(
            new String[] {
              "--stub-zone", "aws.test.=127.0.0.1:1053,127.0.0.1:1055",
              "--stub-zone", "corp.aws.test.=127.0.0.1:1056",
              "--stub-zones", "example.=192.0.2.1"
            },
            Map.of("DNSPLANE_RESOLVER_STUB_ZONES", "env.test.=127.0.0.1:9"));
    assertEquals(
        List.of("corp.aws.test.", "aws.test.", "example."),
        c.stubZones().stream().map(z -> z.zone().toString()).toList(),
        "every --stub-zone counts, the flags replace the variable, the longest zone first");
    assertEquals(2, c.stubZones().get(1).servers().size());
    ResolverConfig one =
        ConfigLoader.load(
            new String[] {"--stub-zones", "a.test.=127.0.0.1:1;b.test.=127.0.0.1:2"}, Map.of());
    assertEquals(2, one.stubZones().size(), "one flag takes the text form, as the variable does");
    ResolverConfig mixed =
        ConfigLoader.load(
            new String[] {
              "--stub-zone",
              "a.test.=127.0.0.1:1;b.test.=127.0.0.1:2",
              "--stub-zone=c.test.=127.0.0.1"
            },
            Map.of());
    assertEquals(3, mixed.stubZones().size(), "repeats of the text form add up");
  }

  @Test
  void listKeysAddUpWhenRepeatedAndOtherKeysTakeTheLast() {
    ResolverConfig c =
        ConfigLoader.load(
            new String[] {
              "--allow", "10.0.0.0/8", "--allow", "192.0.2.0/24,::1/128",
              "--forwarder", "192.0.2.53", "--forwarder", "192.0.2.54:5353",
              "--max-ttl", "10", "--max-ttl", "20"
            },
            Map.of());
    assertEquals(3, c.allow().size());
    assertEquals(
        List.of(new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("192.0.2.54", 5353)),
        c.forwarders());
    assertEquals(20, c.maxTtl());
  }

  @Test
  void theApiTokenComesFromTheSharedVariableTheResolversOrTheFlag() {
    assertEquals(
        "shared",
        ConfigLoader.load(
                new String[0],
                Map.of("DNSPLANE_API_TOKEN", "shared", "DNSPLANE_RESOLVER_API_TOKEN", "own"))
            .apiToken());
    assertEquals(
        "own",
        ConfigLoader.load(new String[0], Map.of("DNSPLANE_RESOLVER_API_TOKEN", "own")).apiToken());
    assertEquals(
        "flag",
        ConfigLoader.load(
                new String[] {"--api-token", "flag"}, Map.of("DNSPLANE_API_TOKEN", "shared"))
            .apiToken());
  }

  @Test
  void everyKeyIsAFlagAndAVariable() {
    for (String key : ResolverConfig.DEFAULTS.keySet()) {
      if (key.equals("api-token")) {
        continue; // a token makes no value of its own to check
      }
      String value = String.valueOf(ResolverConfig.DEFAULTS.get(key));
      assertEquals(
          ResolverConfig.from(Map.of(key, value)),
          ConfigLoader.load(new String[] {"--" + key, value}, Map.of()),
          key);
      assertEquals(
          ResolverConfig.from(Map.of(key, value)),
          ConfigLoader.load(new String[0], Map.of(Flags.variable(key), value)),
          key);
    }
    assertEquals("DNSPLANE_RESOLVER_MAX_NEGATIVE_TTL", Flags.variable("max-negative-ttl"));
  }

  @Test
  void everyKeyHasAHelpLine() {
    assertEquals(ResolverConfig.DEFAULTS.keySet(), Flags.HELP.keySet());
  }

  @Test
  void badCommandLinesAreParameterExceptionsAndBadValuesNameTheKey(@TempDir Path dir) {
    var unknown =
        assertThrows(
            ParameterException.class,
            () -> ConfigLoader.load(new String[] {"--max-tll", "5"}, Map.of()));
    assertTrue(unknown.getMessage().contains("--max-tll"), unknown.getMessage());
    var missing =
        assertThrows(
            ParameterException.class, () -> ConfigLoader.load(new String[] {"--listen"}, Map.of()));
    assertTrue(missing.getMessage().contains("--listen"), missing.getMessage());
    assertThrows(
        ParameterException.class, () -> ConfigLoader.load(new String[] {"serve"}, Map.of()));
    var bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.load(new String[] {"--stale-max", "forever"}, Map.of()));
    assertTrue(bad.getMessage().startsWith("stale-max: "), bad.getMessage());
    var noFile =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConfigLoader.load(
                    new String[] {"--config", dir.resolve("absent.yaml").toString()}, Map.of()));
    assertTrue(noFile.getMessage().startsWith("config: no such file: "), noFile.getMessage());
  }
}
