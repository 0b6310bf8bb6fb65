package dnsplane.authdns.journal;

import static dnsplane.authdns.journal.History.ZONE;
import static dnsplane.authdns.journal.History.a;
import static dnsplane.authdns.journal.History.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** The IXFR journal: steps from swaps, condensation, bounds, fallback and resets. */
class IxfrJournalTest {

  private static SOARecord soa(ZoneSet zones) {
    return zones.zone(ZONE).orElseThrow().soa();
  }

  private static List<String> text(List<Record> records) {
    return records.stream().map(r -> r.toString().replaceAll("\\s+", " ")).toList();
  }

  private static Optional<Difference> diff(History h, long from) {
    return h.journal.difference(ZONE, from, soa(h.zones));
  }

  @Test
  void aSwapBecomesOneStepWithTheSoasAroundWhatWasRemovedAndAdded() throws Exception {
    History h = new History(JournalLimits.defaults());
    ZoneSet v10 = h.zones;
    h.swap(h.setA("www", a("www", 300, "192.0.2.10"), a("www", 300, "192.0.2.99")));

    Difference d = diff(h, 10).orElseThrow();
    assertEquals(10, d.from().getSerial());
    assertEquals(11, d.to().getSerial());
    assertEquals(List.of(a("www", 300, "192.0.2.11")), d.removed());
    assertEquals(List.of(a("www", 300, "192.0.2.99")), d.added());
    assertEquals(
        List.of(d.to(), d.from(), d.removed().get(0), d.to(), d.added().get(0), d.to()),
        d.ixfrSequence(),
        "RFC 1995 §4: new SOA, old SOA, removed, new SOA, added, new SOA");
    assertEquals(History.texts(h.zones), History.applied(v10, d));
    assertEquals(1, h.journal.versions());
    assertEquals(2, h.journal.records());
  }

  @Test
  void severalVersionsCondenseIntoOneDifferenceAndWhatCancelsIsNotSent() throws Exception {
    History h = new History(JournalLimits.defaults());
    List<ZoneSet> versions = new ArrayList<>(List.of(h.zones));
    versions.add(h.swap(h.setA("new", a("new", 60, "198.51.100.1")))); // added...
    versions.add(h.swap(h.setA("www", a("www", 300, "192.0.2.10")))); // .11 removed
    versions.add(h.swap(h.remove("new", Type.A))); // ...and removed again
    versions.add(h.swap(h.setA("www", a("www", 300, "192.0.2.10"), a("www", 300, "192.0.2.11"))));
    versions.add(h.swap(h.setA("mail"))); // emptied: NODATA, nothing to transfer
    versions.add(h.swap(h.remove("mail", Type.TXT))); // and the name deleted
    versions.add(h.swap(h.setA("www", a("www", 600, "192.0.2.10"), a("www", 600, "192.0.2.11"))));

    for (int i = 0; i < versions.size() - 1; i++) {
      long from = versions.get(i).serial(ZONE);
      Difference d = diff(h, from).orElseThrow(() -> new AssertionError("from " + from));
      assertEquals(from, d.from().getSerial());
      assertEquals(h.serial, d.to().getSerial());
      assertEquals(versions.size() - 1 - i, d.versions());
      assertEquals(History.texts(h.zones), History.applied(versions.get(i), d), "from " + from);
    }
    Difference all = diff(h, 10).orElseThrow();
    assertFalse(all.added().toString().contains("198.51.100.1"), "added and removed: cancels");
    assertEquals(
        List.of(
            "mail.j.test. 300 IN A 192.0.2.20",
            "mail.j.test. 300 IN TXT \"v=spf1 -all\"",
            "www.j.test. 300 IN A 192.0.2.10",
            "www.j.test. 300 IN A 192.0.2.11"),
        text(all.removed()),
        "canonical order; the TTL change sends the whole rrset out...");
    assertEquals(
        List.of("www.j.test. 600 IN A 192.0.2.10", "www.j.test. 600 IN A 192.0.2.11"),
        text(all.added()),
        "...and back with the new TTL");
  }

  @Test
  void whatTheSnapshotServesCountsNotWhatTheChangesAsked() throws Exception {
    History h = new History(JournalLimits.defaults());
    ZoneSet before = h.zones;
    // An incomplete change keeps the served rrset: the serial moves, no record does.
    ZoneChange incomplete =
        new ZoneChange.RrsetIncomplete(ZONE, name("www"), Type.A, List.of(), h.serial + 1);
    h.swap(incomplete);
    Difference d = diff(h, 10).orElseThrow();
    assertEquals(11, d.to().getSerial());
    assertTrue(d.removed().isEmpty() && d.added().isEmpty(), d.toString());
    // A change that was refused outright (the snapshot did not move) is not a version at all.
    h.swapTo(h.zones, h.setA("www"));
    assertEquals(1, h.journal.versions());
    assertEquals(History.texts(h.zones), History.applied(before, d));
  }

  @Test
  void aClientOlderThanTheJournalReachesGetsNothingSoTheAnswerIsTheWholeZone() throws Exception {
    History h = new History(new JournalLimits(3, 1_000));
    for (int i = 1; i <= 5; i++) {
      h.swap(h.setA("www", a("www", 300, "192.0.2." + (100 + i))));
    }
    assertEquals(3, h.journal.history(ZONE).versions());
    assertEquals(12, h.journal.history(ZONE).oldestSerial());
    assertTrue(diff(h, 10).isEmpty(), "dropped: older than the oldest version kept");
    assertTrue(diff(h, 11).isEmpty());
    assertTrue(diff(h, 12).isPresent());
    assertTrue(diff(h, 14).isPresent());
    assertTrue(diff(h, 99).isEmpty(), "a serial we never served");
  }

  @Test
  void theRecordBoundDropsTheOldestVersionsAndAVersionTooBigStartsAfresh() throws Exception {
    History h = new History(new JournalLimits(100, 5));
    h.swap(h.setA("a", a("a", 60, "198.51.100.1"), a("a", 60, "198.51.100.2"))); // 2 records
    h.swap(h.setA("b", a("b", 60, "198.51.100.3"), a("b", 60, "198.51.100.4"))); // 4 in all
    h.swap(h.setA("c", a("c", 60, "198.51.100.5"), a("c", 60, "198.51.100.6"))); // 6 > 5
    assertEquals(2, h.journal.history(ZONE).versions(), "the oldest went");
    assertEquals(4, h.journal.history(ZONE).records());
    assertTrue(diff(h, 10).isEmpty());
    assertTrue(diff(h, 11).isPresent());

    List<Record> six = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      six.add(a("d", 60, "203.0.113." + i));
    }
    h.swap(h.setA("d", six.toArray(Record[]::new)));
    assertEquals(0, h.journal.history(ZONE).versions(), "one version over the bound: none kept");
    assertEquals(0, h.journal.records());
    assertTrue(diff(h, 13).isEmpty());
    ZoneSet v14 = h.zones;
    h.swap(h.setA("e", a("e", 60, "198.51.100.9")));
    assertEquals(
        History.texts(h.zones),
        History.applied(v14, diff(h, 14).orElseThrow()),
        "and the journal goes on from there");
  }

  @Test
  void zoneCreatedDeletedAndFullLoadsStartTheJournalAfresh() throws Exception {
    History h = new History(JournalLimits.defaults());
    h.swap(h.setA("www", a("www", 300, "192.0.2.50")));
    assertEquals(1, h.journal.versions());

    h.swap(
        new ZoneChange.ZoneCreated(ZONE, h.serial + 1),
        new ZoneChange.RrsetReplaced(ZONE, ZONE, Type.SOA, List.of(soa(h.zones)), h.serial + 1));
    assertEquals(0, h.journal.versions(), "created afresh: the old versions are of another zone");
    h.swap(h.setA("www", a("www", 300, "192.0.2.51")));
    assertEquals(1, h.journal.versions());

    ZoneSet loaded = h.zones;
    h.journal.swapped(new Swap(loaded, loaded, ++h.seq, null));
    assertEquals(0, h.journal.versions(), "a full load: anything may have changed");

    h.swap(h.setA("www", a("www", 300, "192.0.2.52")));
    assertEquals(1, h.journal.versions());
    h.swap(new ZoneChange.ZoneDeleted(ZONE));
    assertEquals(0, h.journal.versions());
    assertEquals(0, h.journal.records());
    assertTrue(h.journal.resets() >= 3, "counted: " + h.journal.resets());
  }

  @Test
  void aSerialThatDoesNotMoveForwardStartsTheJournalAfresh() throws Exception {
    History h = new History(JournalLimits.defaults());
    h.swap(h.setA("www", a("www", 300, "192.0.2.50")));
    // The database was restored from an older backup: serial 5, other content.
    ZoneChange back =
        new ZoneChange.RrsetReplaced(
            ZONE, name("www"), Type.A, List.of(a("www", 300, "192.0.2.7")), 5);
    h.swap(back);
    assertEquals(0, h.journal.versions());
    assertTrue(diff(h, 10).isEmpty());
  }

  @Test
  void aDifferenceEndsAtTheSnapshotSentOrAtTheNewestVersionWhenTheSnapshotIsAhead()
      throws Exception {
    History h = new History(JournalLimits.defaults());
    ZoneSet v11 = h.swap(h.setA("www", a("www", 300, "192.0.2.61")));
    ZoneSet v12 = h.swap(h.setA("www", a("www", 300, "192.0.2.62")));
    // A transfer that read the snapshot at 11 while the journal already holds 12.
    Difference d = h.journal.difference(ZONE, 10, soa(v11)).orElseThrow();
    assertEquals(11, d.to().getSerial());
    assertEquals(1, d.versions());
    // The snapshot swapped in, the journal not told yet: the difference goes to 12, a version
    // served a moment ago, exactly.
    ZoneSet ahead = h.zones.apply(List.of(h.setA("www", a("www", 300, "192.0.2.63"))));
    Difference toNewest = h.journal.difference(ZONE, 10, soa(ahead)).orElseThrow();
    assertEquals(12, toNewest.to().getSerial());
    assertEquals(History.texts(v12), History.applied(initial(), toNewest));
  }

  private static ZoneSet initial() throws Exception {
    return ZoneSet.fromMasterText(History.TEXT, ZONE);
  }

  @Test
  void anOffJournalKeepsNothing() throws Exception {
    History h = new History(JournalLimits.off());
    h.swap(h.setA("www", a("www", 300, "192.0.2.50")));
    assertEquals(0, h.journal.versions());
    assertTrue(diff(h, 10).isEmpty());
  }
}
