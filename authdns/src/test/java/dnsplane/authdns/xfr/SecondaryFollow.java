package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.testing.TransferClient;
import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * SecondaryFollow is the scenario both real secondaries (NSD, Knot) go through: authdns serves
 * follow.test. from a fresh PostgreSQL database and NOTIFYs the secondary; the test commits rounds
 * of changes to the rrset table (updates, new names, TTL changes, TXT rrsets, rrsets emptied to
 * {@code '{}'}, names deleted), and after each round waits until the secondary serves authdns's
 * serial, so every round is at least one transfer. At the end the secondary's zone, by AXFR, must
 * equal authdns's record for record, byte for byte.
 */
final class SecondaryFollow implements AutoCloseable {
  static final Name ZONE = Name.fromConstantString("follow.test.");
  private static final int HOSTS = 200;

  final TestDb db;
  final AuthDns authDns;
  private final Random random = new Random(20261129);
  private final List<String> hosts = new ArrayList<>();
  private final Set<String> withTxt = new HashSet<>();
  private int nextHost = HOSTS;

  /** A fresh database holding follow.test., and authdns serving it with NOTIFY to {@code to}. */
  SecondaryFollow(InetSocketAddress notifyTo) throws Exception {
    db = TestPostgres.freshDatabase();
    // Refresh 5 s, retry 1 s: NOTIFY drives the secondaries, but NSD may give up a transfer that
    // lands during its own reload ("soa serial N update failed, restarting transfer") and then
    // waits for the SOA retry; a short one lets it recover as a tuned production secondary would.
    StringBuilder z =
        new StringBuilder(
            "$ORIGIN follow.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 5 1 1209600 60\n"
                + "@ NS ns1\nns1 A 192.0.2.1\n");
    for (int i = 0; i < HOSTS; i++) {
      z.append("h").append(i).append(" A 198.51.100.").append(i % 250 + 1).append('\n');
      hosts.add("h" + i);
    }
    ZoneImporter.importText(db.settings(), z.toString(), null);
    authDns =
        AuthDns.start(
            db.settings(),
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            new XfrConfig(TransferAcl.parse("127.0.0.1/32"), List.of(notifyTo)));
  }

  long servedSerial() {
    return authDns.snapshot().get().serial(ZONE);
  }

  /**
   * The serial {@code server} answers for follow.test. SOA over UDP, or -1 (none yet, SERVFAIL).
   */
  static long serialAt(InetSocketAddress server) {
    try {
      Message r =
          TransferClient.udp(
              server, Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.IN)).toWire());
      if (r.getRcode() != Rcode.NOERROR) {
        return -1;
      }
      for (Record rec : r.getSection(Section.ANSWER)) {
        if (rec instanceof SOARecord s) {
          return s.getSerial();
        }
      }
    } catch (IOException e) {
      // not listening yet, or the datagram was lost: the caller polls again
    }
    return -1;
  }

  /** Waits until the secondary at {@code at} serves what authdns serves now. */
  void awaitCaughtUp(InetSocketAddress at, BooleanSupplier alive, String what, Duration timeout)
      throws Exception {
    assertTrue(authDns.awaitSynced(Duration.ofSeconds(10)), "authdns serves every commit");
    long want = servedSerial();
    Await.until(
        what + " to serve serial " + want,
        timeout,
        () -> {
          assertTrue(alive.getAsBoolean(), what + " exited");
          return serialAt(at) == want;
        });
  }

  /**
   * Commits {@code commits} transactions of about four rrset changes each and returns the number of
   * changes (change-log rows) they made.
   */
  int commitRound(int commits) throws SQLException {
    long before = changeLogRows();
    try (Connection c = DbBootstrap.connect(db.settings())) {
      c.setAutoCommit(false);
      for (int i = 0; i < commits; i++) {
        oneCommit(c, i);
        c.commit();
      }
    }
    return (int) (changeLogRows() - before);
  }

  private void oneCommit(Connection c, int i) throws SQLException {
    // A new name.
    String fresh = "n" + nextHost++;
    rrset(
        c,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, ?, 'A', 300,"
            + " ARRAY[?] FROM zone WHERE name = 'follow.test.'",
        fqdn(fresh),
        address());
    hosts.add(fresh);
    // An address changed: sometimes two addresses, sometimes one.
    String h = pick();
    String first = address();
    String second = address();
    // Two distinct addresses: an rrset holds no duplicate records (RFC 2181 §5).
    rrset(
        c,
        "UPDATE rrset SET rdata = ?::text[] WHERE name = ? AND type = 'A'",
        random.nextBoolean() || first.equals(second)
            ? "{" + first + "}"
            : "{" + first + "," + second + "}",
        fqdn(h));
    switch (i % 4) {
      case 0 -> { // a name deleted, all its rrsets
        String gone = pick();
        hosts.remove(gone);
        withTxt.remove(gone);
        rrset(c, "DELETE FROM rrset WHERE name = ?", fqdn(gone));
      }
      case 1 -> // an rrset emptied: the name stays, NODATA, nothing to transfer
          rrset(c, "UPDATE rrset SET rdata = '{}' WHERE name = ? AND type = 'A'", fqdn(pick()));
      case 2 -> // a TTL change: a secondary must end with the new TTL on every record
          rrset(
              c,
              "UPDATE rrset SET ttl = ? WHERE name = ? AND type = 'A'",
              60 + random.nextInt(600),
              fqdn(pick()));
      default -> {
        String t = pick();
        if (withTxt.add(t)) {
          rrset(
              c,
              "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, ?, 'TXT', 120,"
                  + " ARRAY[?] FROM zone WHERE name = 'follow.test.'",
              fqdn(t),
              "\"v" + i + "\"");
        } else {
          rrset(
              c,
              "UPDATE rrset SET rdata = ARRAY[?] WHERE name = ? AND type = 'TXT'",
              "\"w" + i + "\"",
              fqdn(t));
        }
      }
    }
  }

  private String pick() {
    return hosts.get(random.nextInt(hosts.size()));
  }

  private String address() {
    return "203.0.113." + (1 + random.nextInt(254));
  }

  private static String fqdn(String host) {
    return host + ".follow.test.";
  }

  private static void rrset(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private long changeLogRows() throws SQLException {
    try (Connection c = DbBootstrap.connect(db.settings());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*) FROM change_log WHERE zone = 'follow.test.'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The zone as {@code server} sends it by AXFR: every record once (the closing SOA left out), in
   * canonical order, each as its text and its uncompressed wire form (owner, type, class, TTL,
   * rdata, byte for byte).
   */
  static List<String> axfr(InetSocketAddress server) throws Exception {
    ZoneTransferIn t = ZoneTransferIn.newAXFR(ZONE, server, null);
    t.setTimeout(Duration.ofSeconds(20));
    t.run();
    List<Record> records = new ArrayList<>(t.getAXFR());
    records.remove(records.size() - 1);
    records.sort(Comparator.<Record>naturalOrder().thenComparing(Record::toString));
    List<String> out = new ArrayList<>(records.size());
    for (Record r : records) {
      out.add(
          r.toString().replaceAll("\\s+", " ")
              + " | "
              + HexFormat.of().formatHex(r.toWire(Section.ANSWER)));
    }
    return out;
  }

  /** Asserts that {@code secondary}'s AXFR equals authdns's, record for record. */
  void assertSameZone(InetSocketAddress secondary, String what) throws Exception {
    List<String> ours = axfr(authDns.dnsAddress());
    List<String> theirs = axfr(secondary);
    // Compared as multisets first, for a short message naming only the records that differ.
    List<String> extra = new ArrayList<>(theirs);
    List<String> missing = new ArrayList<>();
    for (String r : ours) {
      if (!extra.remove(r)) {
        missing.add(r);
      }
    }
    assertTrue(
        missing.isEmpty() && extra.isEmpty(),
        what + " differs from authdns's: missing " + missing + ", extra " + extra);
    assertEquals(ours, theirs, what);
    assertTrue(ours.size() > HOSTS, "a zone of " + ours.size() + " records compared");
  }

  long incremental() {
    return authDns.metrics().xfr().transfers("IXFR", "incremental");
  }

  long full() {
    return authDns.metrics().xfr().transfers("IXFR", "full")
        + authDns.metrics().xfr().transfers("AXFR", "full");
  }

  /** authdns's transfer counters, for the report: "IXFR incremental N, IXFR full N, ...". */
  String transferCounts() {
    XfrMetrics m = authDns.metrics().xfr();
    return "IXFR incremental "
        + m.transfers("IXFR", "incremental")
        + ", IXFR full "
        + m.transfers("IXFR", "full")
        + ", IXFR uptodate "
        + m.transfers("IXFR", "uptodate")
        + ", AXFR full "
        + m.transfers("AXFR", "full");
  }

  @Override
  public void close() {
    authDns.close();
  }
}
