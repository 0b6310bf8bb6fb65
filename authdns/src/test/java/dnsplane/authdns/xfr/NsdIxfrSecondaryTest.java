package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A real NSD follows authdns through more than 1,000 changes committed to PostgreSQL, woken by our
 * NOTIFY and brought up to date by incremental IXFR, and ends with exactly authdns's zone. NSD must
 * be installed (CI installs it): without it this test fails rather than skips.
 */
@RequiresPostgres
class NsdIxfrSecondaryTest {
  private static final int ROUNDS = 20;
  private static final int COMMITS_PER_ROUND = 20;

  private Nsd nsd;
  private SecondaryFollow follow;

  @AfterEach
  void stop() throws Exception {
    if (nsd != null) {
      nsd.close();
      System.out.println(nsd.log()); // NSD's account of the transfers, in the surefire report
    }
    if (follow != null) {
      follow.close();
    }
  }

  @Test
  void nsdFollowsAThousandChangesByIncrementalIxfrAndEndsWithTheSameZone(@TempDir Path dir)
      throws Exception {
    assertTrue(Nsd.installed(), "NSD is not installed (apt-get install nsd): " + Nsd.BINARY);
    long start = System.nanoTime();
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", Nsd.freePort());
    follow = new SecondaryFollow(at);
    nsd =
        Nsd.start(
            dir,
            at.getPort(),
            2,
            List.of(
                "zone:",
                "  name: follow.test",
                "  zonefile: follow.test.zone",
                "  request-xfr: 127.0.0.1@" + follow.authDns.dnsAddress().getPort() + " NOKEY",
                "  allow-notify: 127.0.0.1 NOKEY",
                "  provide-xfr: 127.0.0.1 NOKEY"));
    follow.awaitCaughtUp(at, nsd::isAlive, "NSD's first transfer", Duration.ofSeconds(30));

    int changes = 0;
    for (int round = 0; round < ROUNDS; round++) {
      changes += follow.commitRound(COMMITS_PER_ROUND);
      follow.awaitCaughtUp(at, nsd::isAlive, "NSD, round " + round, Duration.ofSeconds(30));
    }
    // Counted before the comparison below adds AXFRs of its own.
    long incremental = follow.incremental();
    long full = follow.full();
    long ixfrFull = follow.authDns.metrics().xfr().transfers("IXFR", "full");
    String split = follow.transferCounts();
    follow.assertSameZone(at, "NSD's zone");
    long reloadRaces = nsd.log().lines().filter(l -> l.contains("update failed")).count();
    System.out.printf(
        "NSD: %d changes in %d commits; authdns answered %s; NSD restarted %d"
            + " transfers after a reload race; %d ms%n",
        changes,
        ROUNDS * COMMITS_PER_ROUND,
        split,
        reloadRaces,
        (System.nanoTime() - start) / 1_000_000);
    assertTrue(changes >= 1_000, "changes committed: " + changes);
    assertTrue(incremental >= ROUNDS, "an incremental transfer each round: " + incremental);
    // The journal (1,000 versions by default) always reached the secondary's serial.
    assertEquals(0, ixfrFull, "every IXFR answered with differences: " + split);
    // NSD asks AXFR itself when a transfer lands during its reload ("soa serial N update failed,
    // restarting transfer" in its log): those are AXFR requests, not IXFRs we could not answer.
    assertTrue(
        full * 4 <= incremental,
        "most transfers incremental: " + incremental + " incremental, " + full + " full");
  }
}
