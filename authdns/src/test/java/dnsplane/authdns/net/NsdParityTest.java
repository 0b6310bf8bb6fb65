package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.CHILD;
import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.testing.Nsd;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.db.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends the same queries to NSD and to our server, both serving the tricky fixtures, and requires
 * the same rcode, flags and sections over UDP without EDNS, with EDNS at 1232 and 512, and over
 * TCP. Skipped (not failed) when NSD is not installed: {@code apt-get install -y nsd}.
 */
class NsdParityTest {
  private static final List<String> QUESTIONS =
      List.of(
          "www A",
          "www AAAA",
          "www MX",
          "nothere A",
          "@ SOA",
          "@ NS",
          "mail MX",
          "c A",
          "b.c A",
          "a.b.c A",
          "x.c A",
          "host.wild A",
          "host.wild TXT",
          "deep.host.wild A",
          "host.wild MX",
          "*.wild A",
          "exists.wild TXT",
          "exists.wild A",
          "x.exists.wild A",
          "ent.wild A",
          "z.ent.wild A",
          "foo.entwild A",
          "foo.wc A",
          "alias A",
          "alias CNAME",
          "loop1 A",
          "ext A",
          "dangling A",
          "tonodata A",
          "deleg A",
          "host.deleg A",
          "ns.deleg A",
          "deleg NS",
          "deleg DS",
          "nods DS",
          "x.nods A",
          "www ANY",
          "hinfo ANY",
          "c ANY",
          "www.child A",
          "child NS",
          "child DS",
          "child SOA",
          "big TXT",
          "WwW.TrIcKy.TeSt. A",
          "example.org. A",
          "@ AXFR",
          "@ IXFR",
          "www TYPE999",
          "www CAA");

  private static Nsd nsd;
  private static AuthDnsServer ours;
  private static InetSocketAddress nsdAddress;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Nsd.installed(), "NSD is not installed (apt-get install nsd)");
    for (Name z : List.of(TRICKY, CHILD)) {
      Files.writeString(dir.resolve(z + "zone"), ZoneFixtures.text(z));
    }
    nsd =
        Nsd.start(
            dir,
            Nsd.freePort(),
            1,
            List.of(
                "zone:",
                "  name: " + TRICKY,
                "  zonefile: " + TRICKY + "zone",
                "zone:",
                "  name: " + CHILD,
                "  zonefile: " + CHILD + "zone"));
    nsdAddress = nsd.address();
    awaitAnswer(nsdAddress, Duration.ofSeconds(15));
    ours =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new SnapshotHolder(ZoneFixtures.load(TRICKY, CHILD)),
            new QueryMetrics(),
            ServerOptions.defaults().withThreads(1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (ours != null) {
      ours.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  private enum Mode {
    UDP_PLAIN,
    UDP_EDNS_1232,
    UDP_EDNS_512,
    TCP
  }

  @Test
  void sameRcodeFlagsAndSectionsAsNsd() throws Exception {
    List<String> differences = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (String q : QUESTIONS) {
        byte[] wire = query(q, mode);
        String theirs = describe(send(nsdAddress, wire, mode));
        String mine = describe(send(ours.address(), wire, mode));
        if (!theirs.equals(mine)) {
          differences.add(mode + " " + q + "\n  nsd : " + theirs + "\n  ours: " + mine);
        }
      }
    }
    assertEquals("", String.join("\n", differences));
  }

  private static byte[] query(String q, Mode mode) throws Exception {
    String[] parts = q.split(" ");
    Name name = parts[0].equals("@") ? TRICKY : Name.fromString(parts[0], TRICKY);
    Message m = Message.newQuery(Record.newRecord(name, Type.value(parts[1]), DClass.IN));
    m.getHeader().unsetFlag(Flags.RD);
    if (mode == Mode.UDP_EDNS_1232 || mode == Mode.UDP_EDNS_512) {
      m.addRecord(
          new OPTRecord(mode == Mode.UDP_EDNS_512 ? 512 : 1232, 0, 0, 0), Section.ADDITIONAL);
    }
    return m.toWire();
  }

  private static Message send(InetSocketAddress to, byte[] wire, Mode mode) throws IOException {
    byte[] reply = mode == Mode.TCP ? RawClient.tcp(to, wire) : RawClient.udp(to, wire);
    assertTrue(reply != null, "a reply from " + to);
    return new Message(reply);
  }

  /** Rcode, header flags, OPT and each section sorted, lower-cased: what must match. */
  private static String describe(Message m) {
    StringBuilder sb = new StringBuilder();
    sb.append(m.getRcode()).append(" flags=");
    for (int f : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
      sb.append(m.getHeader().getFlag(f) ? Flags.string(f) + " " : "");
    }
    OPTRecord opt = m.getOPT();
    sb.append(opt == null ? "noopt" : "opt(" + opt.getPayloadSize() + "," + opt.getVersion() + ")");
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      sb.append(" ")
          .append(Section.string(s))
          .append(
              m.getSection(s).stream()
                  .filter(r -> r.getType() != Type.OPT)
                  .map(r -> r.toString().toLowerCase(Locale.ROOT))
                  .sorted()
                  .collect(Collectors.toList()));
    }
    return sb.toString();
  }

  private static void awaitAnswer(InetSocketAddress to, Duration max) {
    byte[] q = Message.newQuery(Record.newRecord(TRICKY, Type.SOA, DClass.IN)).toWire();
    Await.until(
        "nsd to answer",
        max,
        () -> {
          if (RawClient.udp(to, q, 200) != null) {
            return true;
          }
          assertTrue(nsd.isAlive(), "nsd exited early");
          return false;
        });
  }
}
