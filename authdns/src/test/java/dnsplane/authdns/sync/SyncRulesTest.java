package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.db.changelog.ChangeLogRow;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class SyncRulesTest {

  private static List<ChangeLogRow> rows(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(
            s ->
                new ChangeLogRow(s, "example.org.", "delete", "a.example.org.", "A", null, null, s))
        .toList();
  }

  @Test
  void contiguousRowsAreApplied() {
    CatchUp d = CatchUp.decide(10, 13, rows(11, 13));
    CatchUp.Apply a = assertInstanceOf(CatchUp.Apply.class, d);
    assertEquals(3, a.rows().size());
    assertEquals(false, a.more());
  }

  @Test
  void rowsShortOfTheCounterMeanMoreToRead() {
    CatchUp.Apply a = assertInstanceOf(CatchUp.Apply.class, CatchUp.decide(10, 20, rows(11, 15)));
    assertTrue(a.more());
  }

  @Test
  void optionsRefuseAnEmptyPage() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new FollowerOptions(
                Duration.ofSeconds(1), 0, Duration.ofMillis(1), Duration.ofMillis(1)));
    assertEquals(50_000, FollowerOptions.defaults().pageRows());
  }

  @Test
  void upToDateWhenCounterEqualsApplied() {
    assertInstanceOf(CatchUp.UpToDate.class, CatchUp.decide(7, 7, List.of()));
  }

  @Test
  void prunedRowsForceAFullReload() {
    assertInstanceOf(CatchUp.Reload.class, CatchUp.decide(10, 20, rows(15, 20)));
    assertInstanceOf(CatchUp.Reload.class, CatchUp.decide(10, 20, List.of()));
    assertInstanceOf(
        CatchUp.Reload.class,
        CatchUp.decide(10, 20, List.of(rows(11, 11).get(0), rows(13, 13).get(0))));
  }

  @Test
  void counterBehindAppliedMeansAnotherDatabase() {
    CatchUp.Reload r = assertInstanceOf(CatchUp.Reload.class, CatchUp.decide(50, 3, List.of()));
    assertTrue(r.reason().contains("behind"), r.reason());
  }

  @Test
  void backoffDoublesWithJitterUpToTheCap() {
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
    assertEquals(
        List.of(50L, 100L, 200L, 400L, 500L, 500L),
        LongStream.range(0, 6).mapToObj(i -> low.next().toMillis()).toList());
    Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999);
    assertEquals(99, high.next().toMillis());
    high.reset();
    assertEquals(99, high.next().toMillis());
  }

  @Test
  void setRowBecomesAnRrsetParsedRelativeToTheZone() {
    ChangeLogRow row =
        new ChangeLogRow(
            4,
            "example.org.",
            "set",
            "www.example.org.",
            "MX",
            60,
            List.of("10 mail", "20 mx.example.net."),
            9);
    ZoneChange.RrsetReplaced r =
        assertInstanceOf(ZoneChange.RrsetReplaced.class, ChangeConverter.toChange(row));
    assertEquals(Type.MX, r.type());
    assertEquals(9, r.serial());
    assertEquals(
        Name.fromConstantString("mail.example.org."),
        ((org.xbill.DNS.MXRecord) r.records().get(0)).getTarget());
  }

  @Test
  void emptySetIsAnRrsetWithNoRecordsAndOtherOpsMapOneToOne() {
    ZoneChange.RrsetReplaced empty =
        assertInstanceOf(
            ZoneChange.RrsetReplaced.class,
            ChangeConverter.toChange(
                new ChangeLogRow(
                    1, "example.org.", "set", "e.example.org.", "A", 60, List.of(), 2)));
    assertTrue(empty.records().isEmpty());
    assertInstanceOf(ZoneChange.RrsetRemoved.class, ChangeConverter.toChange(rows(1, 1).get(0)));
    assertInstanceOf(
        ZoneChange.ZoneCreated.class,
        ChangeConverter.toChange(
            new ChangeLogRow(
                1, "example.org.", "zone_created", "example.org.", "SOA", null, null, 1)));
    assertInstanceOf(
        ZoneChange.ZoneDeleted.class,
        ChangeConverter.toChange(
            new ChangeLogRow(
                1, "example.org.", "zone_deleted", "example.org.", "SOA", null, null, 1)));
  }

  @Test
  void badRdataIsRefusedNamingTheRrset() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ChangeConverter.toChange(
                    new ChangeLogRow(
                        3,
                        "example.org.",
                        "set",
                        "x.example.org.",
                        "A",
                        60,
                        List.of("not-an-address"),
                        2)));
    assertTrue(e.getMessage().contains("x.example.org. A"), e.getMessage());
  }

  @Test
  void aSetWithSomeBadRecordsKeepsTheOnesThatParseAndSaysWhatIsWrong() {
    ChangeConverter.Conversion c =
        ChangeConverter.convert(
            new ChangeLogRow(
                5,
                "example.org.",
                "set",
                "www.example.org.",
                "A",
                60,
                List.of("192.0.2.1", "192.0.2.300", "not-an-address"),
                3));
    ZoneChange.RrsetIncomplete i = assertInstanceOf(ZoneChange.RrsetIncomplete.class, c.change());
    assertEquals(1, i.parsed().size());
    assertEquals(3, i.serial());
    assertTrue(c.problem().contains("\"192.0.2.300\""), c.problem());
    assertTrue(c.problem().contains("\"not-an-address\""), c.problem());
    assertTrue(c.problem().startsWith("www.example.org. A: "), c.problem());

    ChangeConverter.Conversion good =
        ChangeConverter.convert(
            new ChangeLogRow(
                6, "example.org.", "set", "www.example.org.", "A", 60, List.of("192.0.2.1"), 4));
    assertTrue(good.complete());
    assertInstanceOf(ZoneChange.RrsetReplaced.class, good.change());

    ChangeConverter.Conversion unknown =
        ChangeConverter.convert(
            new ChangeLogRow(
                7, "example.org.", "set", "x.example.org.", "BOGUS", 60, List.of(), 5));
    assertEquals(null, unknown.change());
    assertTrue(unknown.problem().contains("unknown type BOGUS"), unknown.problem());
  }

  @Test
  void rejectionsAreOnePerRrsetAndClearedByAValidChangeOrTheirZone() {
    Rejections none = Rejections.NONE;
    Rejections.Editor e = none.edit();
    e.raise(new Rejection("a.", "x.a.", "A", 1, "bad"));
    e.raise(new Rejection("a.", "x.a.", "A", 2, "worse"));
    e.raise(new Rejection("b.", "w.b.", "AAAA", 3, "bad"));
    Rejections r = e.done();
    assertTrue(none.isEmpty(), "the set edited is not changed");
    assertEquals(List.of("w.b. AAAA", "x.a. A"), r.list().stream().map(Rejection::rrset).toList());
    assertEquals(2, r.get("a.", "x.a.", "A").seq());

    Rejections.Editor e2 = r.edit();
    assertEquals(null, e2.clear("a.", "x.a.", "AAAA"));
    assertEquals(2, e2.clear("a.", "x.a.", "A").seq());
    assertEquals(1, e2.clearZone("b."));
    assertTrue(e2.done().isEmpty());
    assertEquals(2, r.list().size());
    assertTrue(Rejections.NONE.edit().done() == Rejections.NONE, "no change, no copy");
  }

  @Test
  void anRrsetServesEachRecordOnceHoweverOftenTheRowSpellsIt() {
    ChangeConverter.ParsedRrset p =
        ChangeConverter.parse(
            Name.fromConstantString("example.org."),
            "www.example.org.",
            "AAAA",
            60,
            List.of("2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:db8::2", "2001:db8::1"),
            7);
    assertTrue(p.complete());
    assertEquals(
        List.of("2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:2"),
        p.rrset().records().stream().map(org.xbill.DNS.Record::rdataToString).toList(),
        "duplicates suppressed (RFC 2181 §5), order kept");
  }
}
