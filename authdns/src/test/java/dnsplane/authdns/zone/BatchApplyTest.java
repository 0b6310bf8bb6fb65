package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@link ZoneSet#apply} folds a batch per zone and per name (ZoneEdit): on random bases and random
 * batches (the same names changed many times, emptied and created again in another spelling, zones
 * deleted and created mid-batch, incomplete changes, SOA replacements) it serves exactly what
 * applying the changes one at a time serves: zones, serials, SOAs, owner-name spellings, rrsets and
 * TTLs.
 */
class BatchApplyTest {

  @Test
  void aBatchServesWhatItsChangesOneByOneServe() throws Exception {
    Random random = new Random(20261129L);
    for (int round = 0; round < 500; round++) {
      ZoneSet base = oneByOne(ZoneSet.empty(), BulkBuildTest.randomChanges(random, 40, true));
      List<ZoneChange> batch = BulkBuildTest.randomChanges(random, 2 + random.nextInt(80), true);
      BulkBuildTest.assertSame(
          oneByOne(base, batch), base.apply(batch), "round " + round + ": " + batch);
    }
  }

  @Test
  void aRefusedChangeRefusesTheWholeBatch() throws Exception {
    Random random = new Random(7);
    ZoneSet base = oneByOne(ZoneSet.empty(), BulkBuildTest.randomChanges(random, 40, false));
    List<ZoneChange> batch = new ArrayList<>(BulkBuildTest.randomChanges(random, 20, false));
    Name zone = Name.fromConstantString("a.test.");
    batch.add(
        new ZoneChange.RrsetReplaced(
            zone, Name.fromConstantString("www.elsewhere."), Type.A, List.of(), 99));
    assertThrows(IllegalArgumentException.class, () -> base.apply(batch));
    // Without the bad change, the same batch applies.
    batch.remove(batch.size() - 1);
    BulkBuildTest.assertSame(oneByOne(base, batch), base.apply(batch), "without the bad change");
  }

  @Test
  void aBatchThatChangesNothingIsTheSameSet() throws Exception {
    ZoneSet base = oneByOne(ZoneSet.empty(), BulkBuildTest.randomChanges(new Random(3), 30, false));
    Name absent = Name.fromConstantString("c.test.");
    List<ZoneChange> nothing =
        List.of(
            new ZoneChange.RrsetRemoved(absent, absent, Type.A, 5),
            new ZoneChange.RrsetRemoved(absent, absent, Type.TXT, 6));
    assertSame(base, base.apply(nothing));
  }

  /** The reference: each change applied on its own (a batch of one takes the one-change path). */
  private static ZoneSet oneByOne(ZoneSet base, List<ZoneChange> changes) {
    ZoneSet next = base;
    for (ZoneChange c : changes) {
      next = next.apply(List.of(c));
    }
    return next;
  }
}
