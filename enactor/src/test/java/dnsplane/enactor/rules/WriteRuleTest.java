package dnsplane.enactor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteRuleTest {

  static final String EP = "dynamodb.us-east-1.aws.test.";
  static final EndpointConfig NONE = EndpointConfig.NONE;
  static final EndpointConfig V4 = EndpointConfig.live(AddressFamily.V4);
  static final EndpointConfig V6 = EndpointConfig.live(AddressFamily.V6);
  static final EndpointConfig BOTH = EndpointConfig.live(AddressFamily.V4, AddressFamily.V6);
  static final EndpointConfig DELETED =
      new EndpointConfig(true, Set.of(AddressFamily.V4, AddressFamily.V6));

  static PlanEntry entry(long g, String... addresses) {
    return new PlanEntry(
        g,
        EP,
        60,
        java.util.Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  static PlanEntry deletion(long g) {
    return new PlanEntry(g, EP, 60, List.of(), false, true);
  }

  static RrsetState held(long g, int v4, int v6) {
    return new RrsetState(g, v4, v6);
  }

  record Case(
      Mode mode,
      RrsetState current,
      PlanEntry offered,
      EndpointConfig configured,
      Class<?> expected) {}

  @Test
  void decisionTable() {
    PlanEntry five = entry(5, "192.0.2.10");
    PlanEntry fiveBoth = entry(5, "192.0.2.10", "2001:db8::10");
    PlanEntry empty = entry(5);
    PlanEntry bad = entry(5, "192.0.2.10", "192.0.2.010");
    PlanEntry gone = deletion(5);
    List<Case> cases =
        List.of(
            // generation order
            new Case(Mode.SAFE, RrsetState.ABSENT, five, NONE, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(4, 1, 0), five, V4, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(5, 1, 0), five, V4, WriteDecision.Unchanged.class),
            new Case(Mode.SAFE, held(6, 1, 0), five, V4, WriteDecision.SkipStale.class),
            // no address at all
            new Case(Mode.SAFE, held(4, 1, 0), empty, NONE, WriteDecision.RejectEmpty.class),
            new Case(Mode.SAFE, RrsetState.ABSENT, empty, NONE, WriteDecision.RejectEmpty.class),
            // per family: the endpoint's targets decide, not the plan
            new Case(Mode.SAFE, held(4, 1, 1), five, BOTH, WriteDecision.RejectEmptyFamily.class),
            new Case(Mode.SAFE, held(4, 1, 0), five, BOTH, WriteDecision.RejectEmptyFamily.class),
            new Case(Mode.SAFE, held(4, 1, 1), five, V6, WriteDecision.RejectEmptyFamily.class),
            new Case(Mode.SAFE, held(4, 1, 1), five, V4, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(4, 1, 1), five, NONE, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(4, 1, 1), fiveBoth, BOTH, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(6, 1, 1), five, DELETED, WriteDecision.SkipStale.class),
            // malformed addresses: the whole entry, whatever else is true
            new Case(Mode.SAFE, held(4, 1, 0), bad, V4, WriteDecision.RejectInvalid.class),
            new Case(Mode.SAFE, held(6, 1, 0), bad, V4, WriteDecision.RejectInvalid.class),
            // deletion entries
            new Case(Mode.SAFE, held(4, 1, 1), gone, DELETED, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(4, 1, 1), gone, NONE, WriteDecision.Write.class),
            new Case(Mode.SAFE, held(5, 0, 0), gone, DELETED, WriteDecision.Unchanged.class),
            new Case(Mode.SAFE, held(6, 1, 0), gone, DELETED, WriteDecision.SkipStale.class),
            new Case(Mode.SAFE, held(4, 1, 1), gone, V6, WriteDecision.RejectEmptyFamily.class),
            // legacy: unconditional
            new Case(Mode.LEGACY, held(6, 1, 0), five, V4, WriteDecision.Write.class),
            new Case(Mode.LEGACY, held(5, 1, 0), five, V4, WriteDecision.Write.class),
            new Case(Mode.LEGACY, held(4, 1, 0), empty, V4, WriteDecision.Write.class),
            new Case(Mode.LEGACY, held(4, 1, 1), five, BOTH, WriteDecision.Write.class),
            new Case(Mode.LEGACY, held(4, 1, 0), bad, V4, WriteDecision.Write.class),
            new Case(Mode.LEGACY, held(4, 1, 1), gone, BOTH, WriteDecision.Write.class));
    for (Case c : cases) {
      assertInstanceOf(
          c.expected(),
          WriteRule.decide(c.mode(), c.current(), c.offered(), c.configured()),
          c.toString());
    }
  }

  @Test
  void stalePlanNeverOverwritesNewer() {
    for (long held = 1; held <= 20; held++) {
      for (long offered = 1; offered < held; offered++) {
        WriteDecision d =
            WriteRule.decide(
                Mode.SAFE, held(held, 1, 1), entry(offered, "192.0.2.1", "2001:db8::1"), BOTH);
        WriteDecision.SkipStale skip = assertInstanceOf(WriteDecision.SkipStale.class, d);
        assertEquals(held, skip.currentGeneration());
      }
    }
  }

  @Test
  void emptyAddressSetIsRejected() {
    for (RrsetState s : List.of(RrsetState.ABSENT, held(1, 3, 0), held(9, 0, 0))) {
      for (EndpointConfig c : List.of(NONE, V4, DELETED)) {
        assertInstanceOf(
            WriteDecision.RejectEmpty.class, WriteRule.decide(Mode.SAFE, s, entry(5), c));
      }
    }
  }

  @Test
  void aFamilyWithTargetsIsNeverLeftEmptyAndTheRejectionNamesIt() {
    WriteDecision d = WriteRule.decide(Mode.SAFE, held(4, 2, 1), entry(5, "192.0.2.1"), BOTH);
    WriteDecision.RejectEmptyFamily r = assertInstanceOf(WriteDecision.RejectEmptyFamily.class, d);
    assertEquals(Set.of(AddressFamily.V6), r.families());
    assertEquals(List.of("AAAA"), r.rrtypes());
    assertEquals(4L, r.currentGeneration());

    WriteDecision both = WriteRule.decide(Mode.SAFE, held(4, 1, 1), deletion(5), BOTH);
    assertEquals(
        List.of("A", "AAAA"),
        assertInstanceOf(WriteDecision.RejectEmptyFamily.class, both).rrtypes());
  }

  @Test
  void anOperatorRemovingAFamilyLetsTheEntryEmptyIt() {
    // AAAA holds 2 addresses; the endpoint has no IPv6 target any more: the write is a tombstone.
    assertInstanceOf(
        WriteDecision.Write.class,
        WriteRule.decide(Mode.SAFE, held(4, 1, 2), entry(5, "192.0.2.1"), V4));
  }

  @Test
  void aMalformedAddressRejectsTheEntryAndIsNamed() {
    WriteDecision d =
        WriteRule.decide(
            Mode.SAFE, RrsetState.ABSENT, entry(5, "192.0.2.1", "2001:db8::g", "10.0.0.1"), V4);
    WriteDecision.RejectInvalid r = assertInstanceOf(WriteDecision.RejectInvalid.class, d);
    assertEquals(List.of("2001:db8::g"), r.malformed().stream().map(PlanAddress::address).toList());
    assertEquals(true, r.malformed().get(0).problem().contains("2001:db8::g"));
  }

  @Test
  void applyingSamePlanTwiceChangesNothing() {
    PlanEntry e = entry(7, "192.0.2.1");
    WriteDecision first = WriteRule.decide(Mode.SAFE, RrsetState.ABSENT, e, V4);
    assertInstanceOf(WriteDecision.Write.class, first);
    RrsetState after = held(7, 1, 0);
    assertEquals(new WriteDecision.Unchanged(e), WriteRule.decide(Mode.SAFE, after, e, V4));
  }

  @Test
  void entrySplitsCanonicalAddressesIntoAAndAaaaAndMarksTheGeneration() {
    PlanEntry e = entry(12, "192.0.2.1", "2001:DB8:0::1", "198.51.100.7", "2001:db8::1", "nope");
    assertEquals(List.of("192.0.2.1", "198.51.100.7"), e.v4());
    assertEquals(List.of("2001:db8::1"), e.v6(), "canonical, each once");
    assertEquals(Set.of(AddressFamily.V4, AddressFamily.V6), e.families());
    assertEquals(List.of("nope"), e.malformed().stream().map(PlanAddress::address).toList());
    assertEquals("_plan.dynamodb.us-east-1.aws.test.", e.markerName());
    assertEquals("\"12\"", e.markerRdata());
  }

  @Test
  void rdataPerModeAndForDeletions() {
    PlanEntry e = entry(12, "192.0.2.1", "2001:DB8::1", "192.0.2.1:53");
    Published nothing = Published.NOTHING;
    assertEquals(
        new EntryRdata(List.of("192.0.2.1"), List.of("2001:db8::1"), 12L),
        EntryRdata.of(Mode.SAFE, e, nothing));
    assertEquals(List.of("\"12\""), EntryRdata.of(Mode.SAFE, e, nothing).txt());
    assertEquals(
        new EntryRdata(List.of("192.0.2.1"), List.of("2001:DB8::1", "192.0.2.1:53"), 12L),
        EntryRdata.of(Mode.LEGACY, e, nothing),
        "legacy trusts the plan's text");
    EntryRdata none = new EntryRdata(List.of(), List.of(), null);
    assertEquals(none, EntryRdata.of(Mode.SAFE, deletion(3), nothing));
    assertEquals(none, EntryRdata.of(Mode.LEGACY, deletion(3), nothing));
    assertEquals(List.of(), none.txt());
  }

  @Test
  void aDeletionEntryCannotCarryAddresses() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PlanEntry(
                1, EP, 60, List.of(new PlanAddress("192.0.2.1", 100, "az-a")), false, true));
  }
}
