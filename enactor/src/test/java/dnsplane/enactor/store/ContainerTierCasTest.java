package dnsplane.enactor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.ContainerTier;
import dnsplane.enactor.rules.EntryRdata;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.rules.Published;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The safe rrset write's compare-and-set ({@link RrsetStore#write}) on a PostgreSQL container of
 * the Testcontainers tier, started here whatever server the other tests use: skipped (loudly)
 * without a Docker engine, failed when an engine cannot start it.
 */
class ContainerTierCasTest {

  static final String Y = "dynamodb.us-east-1.aws.test.";

  @Test
  void aNewerWriteWinsAndAStaleOneIsRefusedOnAContainer() throws Exception {
    try (ContainerTier.Running pg = ContainerTier.startPostgresOrSkip()) {
      System.err.println(
          "[ContainerTierCasTest] on " + pg + ", started in " + pg.startup().toMillis() + " ms");
      DbSettings db = pg.admin().withDatabase("dnsplane_cas");
      DbBootstrap.prepare(db);
      try (Connection c = DbBootstrap.connect(db)) {
        exec(c, "INSERT INTO zone (name) VALUES ('aws.test.')");
        exec(
            c,
            "INSERT INTO endpoint (name, zone_id, ttl, guarded) SELECT '"
                + Y
                + "', id, 60, false FROM zone");
        RrsetStore store = new RrsetStore();
        ZoneIndex zones = ZoneIndex.load(c);

        assertEquals(
            Set.of(Y),
            store.write(c, Mode.SAFE, writes(entry(5, "192.0.2.5")), zones),
            "the first write of an rrset must win");
        assertEquals(List.of("{192.0.2.5}", "5", "1"), row(c, Y, "A"));

        assertEquals(
            Set.of(),
            store.write(c, Mode.SAFE, writes(entry(3, "192.0.2.3")), zones),
            "a write of an older plan (3 < 5) must lose the compare-and-set");
        assertEquals(
            Set.of(),
            store.write(c, Mode.SAFE, writes(entry(5, "192.0.2.55")), zones),
            "a second write of the same plan must lose too");
        assertEquals(List.of("{192.0.2.5}", "5", "1"), row(c, Y, "A"), "a refused write changed A");
        assertEquals(List.of("{\"\\\"5\\\"\"}", "5", "1"), row(c, "_plan." + Y, "TXT"));

        assertEquals(
            Set.of(Y),
            store.write(c, Mode.SAFE, writes(entry(7, "192.0.2.7", "2001:db8::7")), zones),
            "a write of a newer plan (7 > 5) must win");
        assertEquals(List.of("{192.0.2.7}", "7", "2"), row(c, Y, "A"));
        assertEquals(List.of("{2001:db8::7}", "7", "2"), row(c, Y, "AAAA"));
        assertEquals(List.of("{\"\\\"7\\\"\"}", "7", "2"), row(c, "_plan." + Y, "TXT"));
      }
    }
  }

  static PlanEntry entry(long g, String... addresses) {
    return new PlanEntry(
        g,
        Y,
        60,
        Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  /** The writes of {@code entries} as if nothing were published (the rules bypassed). */
  static List<RrsetStore.Write> writes(PlanEntry... entries) {
    return Arrays.stream(entries)
        .map(e -> new RrsetStore.Write(e, EntryRdata.of(Mode.SAFE, e, Published.NOTHING)))
        .toList();
  }

  /** rdata, applied_generation and version of one rrset. */
  static List<String> row(Connection c, String name, String type) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT rdata::text, applied_generation, version FROM rrset"
                    + " WHERE name = '"
                    + name
                    + "' AND type = '"
                    + type
                    + "'")) {
      return rs.next() ? List.of(rs.getString(1), rs.getString(2), rs.getString(3)) : List.of();
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
