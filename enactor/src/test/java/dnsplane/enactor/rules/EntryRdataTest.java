package dnsplane.enactor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code _plan} marker rule of {@link EntryRdata}, as a table, and {@link Published}. */
class EntryRdataTest {

  static final String EP = "dynamodb.us-east-1.aws.test.";
  static final long N = 9;

  static PlanEntry entry(long g, int ttl, String... addresses) {
    return new PlanEntry(
        g,
        EP,
        ttl,
        java.util.Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  static Published.Rrset rr(int ttl, long g, String... rdata) {
    return new Published.Rrset(ttl, List.of(rdata), g);
  }

  static Published.Rrset marker(int ttl, String... rdata) {
    return new Published.Rrset(ttl, List.of(rdata), 8L);
  }

  record Case(String why, Mode mode, PlanEntry offered, Published now, Long marker) {}

  @Test
  void markerNamesThePlanThatLastChangedTheAddresses() {
    PlanEntry dual = entry(N, 60, "192.0.2.1", "2001:db8::1");
    PlanEntry v4 = entry(N, 60, "192.0.2.1", "192.0.2.2");
    Published.Rrset a = rr(60, 8, "192.0.2.1");
    Published.Rrset aaaa = rr(60, 8, "2001:db8::1");
    Published.Rrset five = marker(60, "\"5\"");
    List<Case> cases =
        List.of(
            new Case("never written", Mode.SAFE, dual, Published.NOTHING, N),
            new Case(
                "same addresses and TTL: kept", Mode.SAFE, dual, new Published(a, aaaa, five), 5L),
            new Case(
                "kept, even when the marker is this plan",
                Mode.SAFE,
                dual,
                new Published(a, aaaa, marker(60, "\"9\"")),
                N),
            new Case("same, no marker row", Mode.SAFE, dual, new Published(a, aaaa, null), N),
            new Case(
                "same, marker tombstone", Mode.SAFE, dual, new Published(a, aaaa, marker(60)), N),
            new Case(
                "same, marker unreadable",
                Mode.SAFE,
                dual,
                new Published(a, aaaa, marker(60, "\"five\"")),
                N),
            new Case(
                "same, marker of two strings",
                Mode.SAFE,
                dual,
                new Published(a, aaaa, marker(60, "\"5\"", "\"6\"")),
                N),
            new Case(
                "same, marker newer than the entry",
                Mode.SAFE,
                dual,
                new Published(a, aaaa, marker(60, "\"12\"")),
                N),
            new Case(
                "same, marker TTL differs",
                Mode.SAFE,
                dual,
                new Published(a, aaaa, marker(30, "\"5\"")),
                N),
            new Case(
                "an IPv4 address changed",
                Mode.SAFE,
                dual,
                new Published(rr(60, 8, "192.0.2.7"), aaaa, five),
                N),
            new Case(
                "an IPv6 address changed",
                Mode.SAFE,
                dual,
                new Published(a, rr(60, 8, "2001:db8::7"), five),
                N),
            new Case(
                "an address was added",
                Mode.SAFE,
                dual,
                new Published(a, rr(60, 8, "2001:db8::1", "2001:db8::7"), five),
                N),
            new Case(
                "the TTL changed",
                Mode.SAFE,
                dual,
                new Published(rr(300, 8, "192.0.2.1"), rr(300, 8, "2001:db8::1"), five),
                N),
            new Case(
                "the order changed (the change log sees it too)",
                Mode.SAFE,
                v4,
                new Published(rr(60, 8, "192.0.2.2", "192.0.2.1"), rr(60, 8), five),
                N),
            new Case(
                "same order: kept",
                Mode.SAFE,
                v4,
                new Published(rr(60, 8, "192.0.2.1", "192.0.2.2"), rr(60, 8), five),
                5L),
            new Case(
                "no AAAA row yet, the entry writes an empty one",
                Mode.SAFE,
                v4,
                new Published(rr(60, 8, "192.0.2.1", "192.0.2.2"), null, five),
                N),
            new Case(
                "emptied after a deletion, published again",
                Mode.SAFE,
                dual,
                new Published(rr(60, 8), rr(60, 8), marker(60)),
                N),
            new Case(
                "legacy compares its own spelling",
                Mode.LEGACY,
                entry(N, 60, "192.0.2.1", "2001:DB8::1"),
                new Published(a, aaaa, five),
                N),
            new Case(
                "legacy, same spelling: kept", Mode.LEGACY, dual, new Published(a, aaaa, five), 5L),
            new Case(
                "deletion: no marker",
                Mode.SAFE,
                new PlanEntry(N, EP, 60, List.of(), false, true),
                new Published(a, aaaa, five),
                null));
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      Long got = EntryRdata.of(c.mode(), c.offered(), c.now()).marker();
      if (!java.util.Objects.equals(c.marker(), got)) {
        wrong.add(c.why() + ": expected " + c.marker() + ", got " + got);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aKeptMarkerLeavesEveryRowAsItWas() {
    PlanEntry heartbeat = entry(N, 60, "192.0.2.1", "2001:db8::1");
    Published now =
        new Published(rr(60, 8, "192.0.2.1"), rr(60, 8, "2001:db8::1"), marker(60, "\"5\""));
    EntryRdata r = EntryRdata.of(Mode.SAFE, heartbeat, now);
    assertEquals(now.a().rdata(), r.a());
    assertEquals(now.aaaa().rdata(), r.aaaa());
    assertEquals(now.marker().rdata(), r.txt());
    assertTrue(r.keepsMarkerOf(heartbeat));
    assertFalse(EntryRdata.of(Mode.SAFE, heartbeat, Published.NOTHING).keepsMarkerOf(heartbeat));
  }

  @Test
  void publishedStateIsWhatTheWriteRuleJudges() {
    assertEquals(RrsetState.ABSENT, Published.NOTHING.state());
    assertEquals(RrsetState.ABSENT, new Published(null, null, marker(60, "\"5\"")).state());
    assertEquals(
        new RrsetState(8L, 2, 0),
        new Published(rr(60, 8, "192.0.2.1", "192.0.2.2"), rr(60, 7), null).state());
    assertEquals(
        new RrsetState(null, 1, 0),
        new Published(new Published.Rrset(60, List.of("192.0.2.1"), null), null, null).state());
    assertEquals(5L, new Published(null, null, marker(60, "\"5\"")).markerGeneration());
    assertNull(new Published(null, null, marker(60, "\"-5\"")).markerGeneration());
    assertNull(
        new Published(null, null, marker(60, "\"99999999999999999999\"")).markerGeneration());
  }

  @Test
  void markerRdataRoundTrips() {
    assertEquals("\"12\"", PlanEntry.markerRdata(12));
    assertEquals(12L, PlanEntry.parseMarker(PlanEntry.markerRdata(12)));
    assertEquals(12L, PlanEntry.parseMarker("12"));
    assertNull(PlanEntry.parseMarker("\"\""));
    assertNull(PlanEntry.parseMarker("+12"));
    assertNull(PlanEntry.parseMarker(null));
  }
}
