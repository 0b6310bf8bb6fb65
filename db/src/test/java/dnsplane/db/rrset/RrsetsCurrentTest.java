package dnsplane.db.rrset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.Transactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Rrsets#current} answers exactly the A and AAAA rows of the address names and the TXT rows
 * of the marker names: every zone's, each once, whatever else those names hold, and it is read the
 * same when the driver has switched to a generic plan (after five runs of the statement).
 */
@RequiresPostgres
class RrsetsCurrentTest {

  @Test
  void readsTheAddressAndMarkerRowsOfTheNamesAndNothingElse() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    Transactions tx = Transactions.over(db.dataSource());
    tx.write(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("INSERT INTO zone (name) VALUES ('aws.test.'), ('x.aws.test.')");
            st.execute(
                "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
                    + " SELECT z.id, v.n, v.t, 60, v.r::text[], v.g FROM (VALUES"
                    + " ('aws.test.', 'a.aws.test.', 'A', '{192.0.2.1}', 1),"
                    + " ('aws.test.', 'a.aws.test.', 'AAAA', '{2001:db8::1}', 1),"
                    + " ('aws.test.', 'a.aws.test.', 'TXT', '{not-the-marker}', NULL),"
                    + " ('aws.test.', 'a.aws.test.', 'MX', '{\"10 mx.aws.test.\"}', NULL),"
                    + " ('aws.test.', '_plan.a.aws.test.', 'TXT', '{\"generation=1\"}', 1),"
                    + " ('aws.test.', '_plan.a.aws.test.', 'A', '{192.0.2.9}', NULL),"
                    + " ('x.aws.test.', 'a.aws.test.', 'A', '{192.0.2.2}', NULL),"
                    + " ('aws.test.', 'b.aws.test.', 'A', '{192.0.2.3}', 2),"
                    + " ('aws.test.', 'c.aws.test.', 'A', '{}', 3))"
                    + " v(zone, n, t, r, g) JOIN zone z ON z.name = v.zone");
          }
          return null;
        });
    List<String> want =
        List.of(
            "_plan.a.aws.test. TXT [generation=1] 1",
            "a.aws.test. A [192.0.2.1] 1",
            "a.aws.test. A [192.0.2.2] null",
            "a.aws.test. AAAA [2001:db8::1] 1",
            "c.aws.test. A [] 3");
    // Seven runs: the driver prepares the statement on the server after five, and PostgreSQL
    // may then choose a generic plan; both kinds must answer alike.
    for (int run = 0; run < 7; run++) {
      List<String> got =
          tx
              .read(
                  c ->
                      Rrsets.current(
                          c,
                          List.of("a.aws.test.", "c.aws.test.", "a.aws.test.", "none.aws.test."),
                          List.of("_plan.a.aws.test.", "_plan.a.aws.test.", "_plan.c.aws.test.")))
              .stream()
              .map(r -> r.name() + " " + r.type() + " " + r.rdata() + " " + r.appliedGeneration())
              .sorted()
              .toList();
      assertEquals(want, got, "run " + run);
    }
  }
}
