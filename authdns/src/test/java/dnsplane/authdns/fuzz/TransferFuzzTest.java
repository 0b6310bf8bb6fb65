package dnsplane.authdns.fuzz;

import static dnsplane.authdns.fuzz.WireChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.authdns.net.Transport;
import dnsplane.authdns.xfr.TransferAcl;
import dnsplane.authdns.xfr.TransferSplitter;
import dnsplane.authdns.xfr.XfrMetrics;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * AXFR/IXFR requests over TCP as TcpHandler hands them over: a frame that {@link
 * XfrService#isTransfer} picks goes to {@link XfrService#transfer}; null from it means the ordinary
 * path answers (FORMERR). An exception from it is still a finding, although TcpHandler answers one
 * SERVFAIL and carries on.
 *
 * <p>Input: byte 0 picks the client (127.0.0.1, ::1, or 192.0.2.77, which the default ACL refuses);
 * the rest is the frame.
 *
 * <p>Properties: every message parses, fits 65535 octets, has QR, the query's ID and opcode; only
 * the first carries the question, echoed; a client outside the ACL gets one REFUSED and no data; a
 * name that is not one of our apexes gets REFUSED; an error carries no records; a full transfer is
 * exactly the zone: its SOA first and last and every other record once, all inside the zone; an
 * IXFR answered "up to date" is the SOA alone.
 */
class TransferFuzzTest {
  static final ZoneSet ZONES = ZoneFixtures.load(ZoneFixtures.TRICKY, ZoneFixtures.CHILD);
  static final XfrService XFR = new XfrService(TransferAcl.loopback(), new XfrMetrics());
  static final Processors PROCESSOR = Processors.of(ZONES, 0, XFR);
  static final InetAddress[] CLIENTS = clients();

  private static InetAddress[] clients() {
    try {
      return new InetAddress[] {
        InetAddress.getByName("127.0.0.1"),
        InetAddress.getByName("::1"),
        InetAddress.getByName("192.0.2.77")
      };
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void transfer(byte[] data) {
    if (data.length < 1) {
      return;
    }
    InetAddress client = CLIENTS[(data[0] & 0xFF) % CLIENTS.length];
    byte[] frame = Arrays.copyOfRange(data, 1, data.length);
    if (!XfrService.isTransfer(Unpooled.wrappedBuffer(frame))) {
      return;
    }
    String what = "transfer from " + client.getHostAddress() + " query " + WireChecks.hex(frame);
    List<byte[]> messages = XFR.transfer(ZONES, frame, client);
    Message q = WireChecks.parseQuery(frame);
    // dnsjava reads a message with TC set as far as it can: a broken question leaves none, and
    // such a request is not a transfer either.
    boolean noQuestion = q == null || q.getQuestion() == null;
    if (messages == null) {
      check(noQuestion, what, "a parseable request got no transfer answer");
      byte[] formerr = PROCESSOR.process(frame, Transport.TCP);
      if (formerr != null) {
        QueryPathFuzzTest.checkResponse(frame, formerr, Transport.TCP, what);
      }
      return;
    }
    check(!noQuestion, what, "a request without a question was answered as a transfer");
    check(!messages.isEmpty(), what, "no messages");
    List<Message> parsed = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      byte[] m = messages.get(i);
      check(
          m.length <= TransferSplitter.TCP_LIMIT,
          what,
          "message " + i + " is " + m.length + " octets");
      Message r = WireChecks.parseResponse(m, what + " message " + i);
      WireChecks.checkHeader(frame, r, what);
      if (i == 0) {
        WireChecks.checkQuestionEcho(q, r, what);
      } else {
        check(r.getQuestion() == null, what, "message " + i + " repeats the question");
      }
      check(r.getRcode() == parsedRcode(parsed, r), what, "rcode changes between messages");
      parsed.add(r);
      records.addAll(r.getSection(Section.ANSWER));
      check(
          r.getSection(Section.AUTHORITY).isEmpty() && r.getSection(Section.ADDITIONAL).isEmpty(),
          what,
          "authority or additional records in a transfer");
    }
    int rcode = parsed.get(0).getRcode();
    Record question = q.getQuestion();
    boolean allowed = client.isLoopbackAddress();
    Optional<ZoneSnapshot> zone = ZONES.zone(question.getName());
    if (!allowed || question.getDClass() != DClass.IN || zone.isEmpty()) {
      check(
          rcode == Rcode.REFUSED && messages.size() == 1 && records.isEmpty(),
          what,
          "expected one REFUSED without data, got " + Rcode.string(rcode));
      return;
    }
    if (rcode != Rcode.NOERROR) {
      check(records.isEmpty(), what, Rcode.string(rcode) + " with records");
      check(
          rcode == Rcode.FORMERR && question.getType() == Type.IXFR,
          what,
          "unexpected " + Rcode.string(rcode));
      return;
    }
    ZoneSnapshot z = zone.get();
    for (Record r : records) {
      check(r.getName().subdomain(z.origin()), what, r + " is outside the zone " + z.origin());
    }
    check(
        !records.isEmpty() && records.get(0).equals(z.soa()), what, "does not start with the SOA");
    if (records.size() == 1) {
      check(question.getType() == Type.IXFR, what, "an AXFR of the SOA alone");
      return;
    }
    check(records.get(records.size() - 1).equals(z.soa()), what, "does not end with the SOA");
    List<Record> body = records.subList(0, records.size() - 1);
    check(
        new HashSet<>(body).equals(new HashSet<>(z.records())) && body.size() == z.records().size(),
        what,
        "the transfer is not exactly the zone's records");
  }

  private static int parsedRcode(List<Message> earlier, Message r) {
    return earlier.isEmpty() ? r.getRcode() : earlier.get(0).getRcode();
  }
}
