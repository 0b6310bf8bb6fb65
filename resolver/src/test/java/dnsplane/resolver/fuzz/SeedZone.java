package dnsplane.resolver.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Zone;

/**
 * SeedZone is a well-behaved authoritative server for aws.test. built on dnsjava's own {@link Zone}
 * lookup: the upstream the client-side fuzz target resolves through, so that target explores the
 * resolver's handling of client bytes against sane answers (positive, CNAME, NXDOMAIN, NODATA,
 * referral, and an answer too big for UDP).
 */
final class SeedZone {
  static final String TEXT =
      String.join(
          "\n",
          "$ORIGIN aws.test.",
          "$TTL 300",
          "@ SOA ns1 hostmaster 1 7200 3600 1209600 60",
          "@ NS ns1",
          "ns1 A 192.0.2.53",
          "www A 192.0.2.1",
          "www AAAA 2001:db8::1",
          "dynamodb.us-east-1 A 192.0.2.10",
          "dynamodb.us-east-1 A 192.0.2.11",
          "alias CNAME www",
          "ext CNAME target.example.org.",
          "txtonly TXT \"no address here\"",
          "*.wild A 192.0.2.4",
          "sub NS ns.sub",
          "ns.sub A 192.0.2.54",
          "zero 0 A 192.0.2.5",
          big(),
          "");
  static final Zone ZONE = load();

  private static String big() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      sb.append("big TXT \"").append("0123456789".repeat(6)).append('-').append(i).append("\"\n");
    }
    return sb.toString();
  }

  private static Zone load() {
    try (Master m = new Master(new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.UTF_8)))) {
      List<Record> records = new ArrayList<>();
      Record r;
      while ((r = m.nextRecord()) != null) {
        records.add(r);
      }
      return new Zone(Name.fromConstantString("aws.test."), records.toArray(new Record[0]));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private SeedZone() {}

  /** The reply to {@code raw}, at most {@code limit} octets (TC when cut); empty for junk. */
  static List<byte[]> reply(byte[] raw, int limit) {
    Message q;
    try {
      q = new Message(raw);
    } catch (IOException e) {
      return List.of();
    }
    Record question = q.getQuestion();
    if (question == null) {
      return List.of();
    }
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    for (int hops = 0; hops < 8; hops++) {
      Name asked = name;
      SetResponse sr = ZONE.findRecords(asked, question.getType());
      if (sr.isSuccessful()) {
        sr.answers()
            .forEach(
                set ->
                    set.rrs()
                        .forEach(r -> m.addRecord(r.withName(nameOf(r, asked)), Section.ANSWER)));
        break;
      }
      if (sr.isCNAME()) {
        CNAMERecord c = sr.getCNAME();
        m.addRecord(c, Section.ANSWER);
        name = c.getTarget();
        if (!name.subdomain(ZONE.getOrigin())) {
          break;
        }
        continue;
      }
      if (sr.isDelegation()) {
        m.getHeader().unsetFlag(Flags.AA);
        RRset ns = sr.getNS();
        ns.rrs().forEach(r -> m.addRecord(r, Section.AUTHORITY));
        break;
      }
      if (sr.isNXDOMAIN()) {
        m.getHeader().setRcode(Rcode.NXDOMAIN);
      }
      m.addRecord(ZONE.getSOA(), Section.AUTHORITY);
      break;
    }
    return List.of(m.toWire(limit));
  }

  private static Name nameOf(Record r, Name asked) {
    // A wildcard answer is synthesised at the name asked (RFC 4592).
    return r.getName().isWild() ? asked : r.getName();
  }
}
