package dnsplane.authdns.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class CacheInvalidationTest {

  private static final Name ZONE = Name.fromConstantString("inv.test.");
  private static final String TEXT =
      """
      $TTL 300
      @       SOA  ns1 hostmaster 1 3600 600 86400 60
      @       NS   ns1
      ns1     A    192.0.2.53
      a       A    192.0.2.1
      alias   CNAME a
      *.wild  A    192.0.2.99
      """;

  private static Name n(String s) throws Exception {
    return Name.fromString(s, ZONE);
  }

  private static ZoneChange setA(String owner) throws Exception {
    Name name = n(owner);
    return new ZoneChange.RrsetReplaced(
        ZONE,
        name,
        Type.A,
        List.of(new ARecord(name, DClass.IN, 300, InetAddress.getByName("198.51.100.1"))),
        2);
  }

  private static ZoneSet zones() throws Exception {
    return ZoneSet.fromMasterText(TEXT, ZONE);
  }

  @Test
  void aFullLoadOrANewZoneDropsEverything() throws Exception {
    assertTrue(CacheInvalidation.of(zones(), null).everything());
    assertTrue(
        CacheInvalidation.of(zones(), List.of(new ZoneChange.ZoneCreated(n("child"), 1)))
            .everything());
    assertTrue(
        CacheInvalidation.of(zones(), List.of(new ZoneChange.ZoneDeleted(ZONE))).everything());
  }

  @Test
  void anAddressChangeDropsItsNameAndTheAncestorsBelowTheApex() throws Exception {
    CacheInvalidation inv = CacheInvalidation.of(zones(), List.of(setA("x.y.a")));
    assertFalse(inv.everything());
    assertEquals(Set.of(n("x.y.a"), n("y.a"), n("a")), inv.names());
    assertEquals(Set.of(ZONE), inv.serials());
    assertEquals(Set.of(), inv.zones());
  }

  @Test
  void theApexItsNsGlueDelegationsAndWildcardsDropTheZone() throws Exception {
    ZoneSet z = zones();
    assertEquals(Set.of(ZONE), CacheInvalidation.of(z, List.of(setA("ns1"))).zones());
    assertEquals(
        Set.of(ZONE),
        CacheInvalidation.of(z, List.of(new ZoneChange.RrsetRemoved(ZONE, ZONE, Type.MX, 2)))
            .zones());
    assertEquals(
        Set.of(ZONE),
        CacheInvalidation.of(z, List.of(new ZoneChange.RrsetRemoved(ZONE, n("sub"), Type.NS, 2)))
            .zones());
    assertEquals(Set.of(ZONE), CacheInvalidation.of(z, List.of(setA("*.wild"))).zones());
  }

  @Test
  void anAnswerDependsOnItsNamesButNotOnTheZoneWideOnes() throws Exception {
    ZoneSet z = zones();
    AnswerDependencies a = deps(z, "alias", Type.A);
    assertEquals(ZONE, a.zone());
    assertFalse(a.serialBound());
    assertEquals(Set.of(n("alias"), n("a")), Set.copyOf(a.names()));
    AnswerDependencies none = deps(z, "nothere", Type.A);
    assertTrue(none.serialBound(), "a negative answer holds the SOA");
  }

  @Test
  void aWildcardAnswerDependsOnTheNamesAboveIt() throws Exception {
    AnswerDependencies w = deps(zones(), "q.x.wild", Type.A);
    assertEquals(Set.of(n("q.x.wild"), n("x.wild"), n("wild")), Set.copyOf(w.names()));
  }

  @Test
  void aNameOutsideEveryZoneDependsOnNothingButTheZonesThemselves() throws Exception {
    AnswerDependencies out = deps(zones(), Name.fromString("elsewhere.example."), Type.A);
    assertEquals(null, out.zone());
    assertEquals(List.of(), out.names());
  }

  private static AnswerDependencies deps(ZoneSet z, String relative, int type) throws Exception {
    return deps(z, n(relative), type);
  }

  private static AnswerDependencies deps(ZoneSet z, Name qname, int type) {
    Message q = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    return AnswerDependencies.of(z, qname, Answerer.answer(z, q, 1232, false));
  }
}
