package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.testing.Knot;
import dnsplane.authdns.testing.Nsd;
import dnsplane.db.testing.RequiresPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Knot DNS follows authdns through more than 1,000 changes committed to PostgreSQL, woken by
 * our NOTIFY and brought up to date by incremental IXFR (Knot checks each difference against its
 * zone: a removal of a record it lacks fails the transfer), and ends with exactly authdns's zone.
 * Knot must be installed (Debian package knot): without it this test fails, not skips.
 */
@RequiresPostgres
class KnotIxfrSecondaryTest {
  private static final int ROUNDS = 20;
  private static final int COMMITS_PER_ROUND = 20;

  private Knot knot;
  private SecondaryFollow follow;

  @AfterEach
  void stop() throws Exception {
    if (knot != null) {
      knot.close();
      System.out.println(knot.log()); // Knot's account of the transfers, in the surefire report
    }
    if (follow != null) {
      follow.close();
    }
  }

  @Test
  void knotFollowsAThousandChangesByIncrementalIxfrAndEndsWithTheSameZone(@TempDir Path dir)
      throws Exception {
    assertTrue(Knot.installed(), "Knot is not installed (apt-get install knot): " + Knot.BINARY);
    long start = System.nanoTime();
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", Nsd.freePort());
    follow = new SecondaryFollow(at);
    knot = Knot.secondary(dir, at.getPort(), follow.authDns.dnsAddress(), List.of("follow.test."));
    follow.awaitCaughtUp(at, knot::isAlive, "Knot's first transfer", Duration.ofSeconds(30));

    int changes = 0;
    for (int round = 0; round < ROUNDS; round++) {
      changes += follow.commitRound(COMMITS_PER_ROUND);
      follow.awaitCaughtUp(at, knot::isAlive, "Knot, round " + round, Duration.ofSeconds(30));
    }
    // Counted before the comparison below adds AXFRs of its own.
    long incremental = follow.incremental();
    long full = follow.full();
    long ixfrFull = follow.authDns.metrics().xfr().transfers("IXFR", "full");
    String split = follow.transferCounts();
    follow.assertSameZone(at, "Knot's zone");
    String log = knot.log();
    long knotIxfr =
        log.lines().filter(l -> l.contains("IXFR, incoming") && l.contains("finished")).count();
    long knotAxfr =
        log.lines().filter(l -> l.contains("AXFR, incoming") && l.contains("finished")).count();
    System.out.printf(
        "Knot: %d changes in %d commits; authdns answered %s;"
            + " Knot logged %d IXFR, %d AXFR finished; %d ms%n",
        changes,
        ROUNDS * COMMITS_PER_ROUND,
        split,
        knotIxfr,
        knotAxfr,
        (System.nanoTime() - start) / 1_000_000);
    assertTrue(changes >= 1_000, "changes committed: " + changes);
    assertTrue(incremental >= ROUNDS, "an incremental transfer each round: " + incremental);
    // The journal (1,000 versions by default) always reached the secondary's serial.
    assertEquals(0, ixfrFull, "every IXFR answered with differences: " + split);
    assertTrue(
        full * 4 <= incremental,
        "most transfers incremental: " + incremental + " incremental, " + full + " full");
    assertTrue(
        !log.contains("fallback to AXFR") && !log.contains("AXFR-style IXFR"),
        "Knot never had to fall back:\n" + log);
  }
}
