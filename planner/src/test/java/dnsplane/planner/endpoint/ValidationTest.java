package dnsplane.planner.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Names;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Names, addresses and endpoint specs: canonical forms and the problems named. */
class ValidationTest {

  @ParameterizedTest
  @CsvSource({
    "DynamoDB.US-East-1.aws.test, dynamodb.us-east-1.aws.test.",
    "x.aws.test., x.aws.test.",
    "_plan.x.aws.test, _plan.x.aws.test.",
  })
  void namesAreCanonicalised(String raw, String canonical) {
    assertEquals(canonical, Names.canonical(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "a..b", "-a.test", "a b.test", "é.test"})
  void badNamesAreRejected(String raw) {
    assertThrows(IllegalArgumentException.class, () -> Names.canonical(raw));
  }

  @Test
  void zoneIsTheLongestSuffix() {
    List<String> zones = List.of("test.", "aws.test.", "other.test.");
    assertEquals(Optional.of("aws.test."), Names.zoneOf("x.aws.test.", zones));
    assertEquals(Optional.of("aws.test."), Names.zoneOf("aws.test.", zones));
    assertEquals(Optional.empty(), Names.zoneOf("x.example.", zones));
    assertEquals(Optional.empty(), Names.zoneOf("xaws.test.", List.of("aws.test.")));
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.10, 192.0.2.10",
    "' 198.51.100.1 ', 198.51.100.1",
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0:0:0:0:1, 2001:db8::1",
    "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:1:1:1:1:0:1, 2001:db8:1:1:1:1:0:1",
    "::1, ::1",
  })
  void addressesAreCanonicalised(String raw, String canonical) {
    assertEquals(canonical, Addresses.canonical(raw));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "192.0.2",
        "192.0.2.256",
        "192.0.2.010",
        "example.com",
        "localhost",
        "2001:db8::g",
        "::ffff:192.0.2.1",
        "2001:db8::1%eth0",
        "192.0.2.1/24"
      })
  void badAddressesAreRejected(String raw) {
    assertThrows(IllegalArgumentException.class, () -> Addresses.canonical(raw));
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:9000, 127.0.0.1:9000",
    "'[2001:DB8:0::1]:80', '[2001:db8::1]:80'",
    "localhost:9000, localhost:9000",
    "Health.Example.internal:80, health.example.internal:80",
  })
  void checkHostsAreCanonicalised(String raw, String canonical) {
    assertEquals(canonical, CheckTargets.tcp(raw));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "192.0.2.010:80 | invalid IPv4 address 192.0.2.010",
        "1.2.3:80 | invalid address 1.2.3",
        "0x7f.1:80 | invalid address 0x7f.1",
        "[fe80::1%eth0]:80 | invalid address fe80::1%eth0",
        "[::ffff:192.0.2.1]:80 | IPv4-mapped",
        "a b:80 | invalid host a b",
        "192.0.2.1:0 | port 0",
      })
  void numericLookingCheckHostsAreAddressesAndStrict(String raw, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CheckTargets.tcp(raw));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void httpCheckHostsAreStrictToo() {
    assertEquals(
        "http://127.0.0.1:9000/health", CheckTargets.httpUrl("http://127.0.0.1:9000/health"));
    assertEquals("https://health.example/x", CheckTargets.httpUrl("https://health.example/x"));
    for (String[] c :
        new String[][] {
          {"http://192.0.2.300/health", "invalid IPv4 address 192.0.2.300"},
          {"http://192.0.2.010:8080/health", "invalid IPv4 address 192.0.2.010"},
          {"http://1.2.3/health", "invalid address 1.2.3"},
          {"ftp://192.0.2.1/", "needs an http(s) url"}
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CheckTargets.httpUrl(c[0]));
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
  }

  private static EndpointRequest.TargetRequest t(String address, Integer weight, String az) {
    return new EndpointRequest.TargetRequest(address, weight, az, null);
  }

  @Test
  void specDefaultsAndOrdersTargets() {
    EndpointSpec s =
        EndpointSpec.from(
            "X.aws.test",
            new EndpointRequest(
                null,
                null,
                null,
                List.of(t("2001:db8::1", null, "az-b"), t("192.0.2.2", 5, "az-a"))));
    assertEquals("x.aws.test.", s.name());
    assertEquals(60, s.ttl());
    assertTrue(s.guarded());
    assertEquals(
        List.of("192.0.2.2", "2001:db8::1"),
        s.targets().stream().map(EndpointSpec.TargetSpec::address).toList());
    assertEquals(100, s.targets().get(1).weight());
    assertEquals(
        FailOpenScope.FAMILY, s.failOpenScope(), "fail open per family unless told otherwise");
  }

  @Test
  void failOpenScopeIsFamilyOrEndpointAndNothingElse() {
    List<EndpointRequest.TargetRequest> one = List.of(t("192.0.2.1", 1, "az-a"));
    assertEquals(
        FailOpenScope.FAMILY,
        EndpointSpec.from("x.aws.test", new EndpointRequest(60, true, "family", one))
            .failOpenScope());
    assertEquals(
        FailOpenScope.ENDPOINT,
        EndpointSpec.from("x.aws.test", new EndpointRequest(60, true, "endpoint", one))
            .failOpenScope());
    for (String bad : List.of("", "Family", "ENDPOINT", "none", "per-family", " family")) {
      assertMessage(
          "failOpen must be \"family\" (the default) or \"endpoint\" (the pre-fix rule), got \""
              + bad
              + "\"",
          new EndpointRequest(60, true, bad, one));
    }
  }

  @Test
  void specProblemsAreNamed() {
    assertMessage("no targets", new EndpointRequest(60, true, null, List.of()));
    assertMessage("no targets", new EndpointRequest(60, true, null, null));
    assertMessage(
        "weight 1001", new EndpointRequest(60, true, null, List.of(t("192.0.2.1", 1001, "az-a"))));
    assertMessage(
        "weight -1", new EndpointRequest(60, true, null, List.of(t("192.0.2.1", -1, "az-a"))));
    assertMessage(
        "duplicate target 192.0.2.1",
        new EndpointRequest(
            60,
            true,
            null,
            List.of(t("192.0.2.1", 1, "az-a"), t("192.0.2.01".replace("01", "1"), 2, "az-b"))));
    assertMessage(
        "invalid address nope", new EndpointRequest(60, true, null, List.of(t("nope", 1, "az-a"))));
    assertMessage(
        "ttl 90000", new EndpointRequest(90000, true, null, List.of(t("192.0.2.1", 1, "az-a"))));
    assertMessage(
        "needs an az", new EndpointRequest(60, true, null, List.of(t("192.0.2.1", 1, "AZ A"))));
    assertMessage(
        "check kind",
        new EndpointRequest(
            60,
            true,
            null,
            List.of(
                new EndpointRequest.TargetRequest(
                    "192.0.2.1",
                    1,
                    "az-a",
                    new EndpointRequest.CheckRequest("icmp", null, null)))));
    assertMessage(
        "http(s) url",
        new EndpointRequest(
            60,
            true,
            null,
            List.of(
                new EndpointRequest.TargetRequest(
                    "192.0.2.1",
                    1,
                    "az-a",
                    new EndpointRequest.CheckRequest("http", null, "ftp://x/")))));
    assertMessage(
        "tcp check",
        new EndpointRequest(
            60,
            true,
            null,
            List.of(
                new EndpointRequest.TargetRequest(
                    "192.0.2.1",
                    1,
                    "az-a",
                    new EndpointRequest.CheckRequest("tcp", "127.0.0.1", null)))));
  }

  private static void assertMessage(String expected, EndpointRequest req) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EndpointSpec.from("x.aws.test.", req));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
