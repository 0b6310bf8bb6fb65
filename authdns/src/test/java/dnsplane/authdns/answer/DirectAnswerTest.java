package dnsplane.authdns.answer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneFileChanges;
import dnsplane.authdns.zone.ZoneSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link DirectAnswer} writes the same bytes as {@link Answerer} + {@link Render}, with the same
 * cache dependencies, over random zones (glue in and out of zone, addresses shared with glue, zone
 * cuts, CNAMEs, wildcards, empty non-terminals, a child zone, long TXT) and random queries (case,
 * EDNS size and DO, RD, class, type, UDP and TCP limits).
 */
class DirectAnswerTest {
  private static final int MAX_PAYLOAD = 1232;
  // Kept across queries and zones, as an event-loop thread keeps its own.
  private static final DirectAnswer.Memo MEMO = new DirectAnswer.Memo();
  private static final int[] QTYPES = {
    Type.A,
    Type.A,
    Type.A,
    Type.A,
    Type.AAAA,
    Type.AAAA,
    Type.TXT,
    Type.TXT,
    Type.MX,
    Type.NS,
    Type.ANY,
    Type.CNAME,
    Type.DS
  };

  @Test
  void writesTheGeneralPathsBytesWheneverItAnswers() throws Exception {
    Random random = new Random(20261129);
    int direct = 0;
    int total = 0;
    for (int z = 0; z < 150; z++) {
      List<String> names = new ArrayList<>();
      ZoneSet zones = randomZones(random, names);
      for (int i = 0; i < 300; i++) {
        total++;
        if (check(zones, randomQuery(random, names), random.nextInt(4) == 0)) {
          direct++;
        }
      }
    }
    // Most generated questions are plain positive ones: the comparison must not pass by never
    // answering directly.
    assertTrue(direct > total / 8, "answered directly: " + direct + " of " + total);
  }

  @Test
  void aGlueAddressAskedForItselfIsNotRepeatedAsAdditionalData() throws Exception {
    ZoneSet zones =
        zones(
            "$ORIGIN g.test.\n"
                + "@ SOA ns1 h 1 2 3 4 5\n"
                + "@ NS ns1\n"
                + "@ NS ns2\n"
                + "ns1 A 192.0.2.1\n"
                + "ns1 A 192.0.2.2\n"
                + "ns2 A 192.0.2.1\n");
    Message q = query("NS1.g.test.", Type.A, DClass.IN, true, 4096, false);
    assertTrue(check(zones, q, false));
  }

  /**
   * The authority and additional sections come from a template made once per snapshot, except where
   * the question's own name is one the template writes: an NS target asked for by a type the glue
   * does not hold points at the question's name, not at the apex, as the general path writes it.
   */
  @Test
  void anNsTargetAskedForOtherDataPointsAtTheQuestionAsTheGeneralPathDoes() throws Exception {
    ZoneSet zones =
        zones(
            "$ORIGIN t.test.\n"
                + "@ SOA ns1 h 1 2 3 4 5\n"
                + "@ NS ns1\n"
                + "@ NS ns2.other.test.\n"
                + "ns1 A 192.0.2.1\n"
                + "ns1 TXT \"ns1 is here\"\n"
                + "www A 192.0.2.3\n");
    String[][] questions = {
      {"ns1.t.test.", "TXT"}, {"NS1.t.test.", "TXT"}, {"ns1.t.test.", "A"}, {"www.t.test.", "A"}
    };
    for (String[] question : questions) {
      Message q = query(question[0], Type.value(question[1]), DClass.IN, true, 1232, false);
      assertTrue(check(zones, q, false), question[0] + " " + question[1] + " answered directly");
    }
  }

  @Test
  void anAnswerOverTheLimitIsLeftToTheGeneralPath() throws Exception {
    StringBuilder zone =
        new StringBuilder("$ORIGIN big.test.\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n");
    for (int i = 0; i < 40; i++) {
      zone.append("txt TXT \"").append("x".repeat(100)).append(i).append("\"\n");
    }
    ZoneSet zones = zones(zone.toString());
    Message q = query("txt.big.test.", Type.TXT, DClass.IN, false, 0, false);
    assertEquals(null, direct(zones, q, Answerer.udpLimit(q, MAX_PAYLOAD)));
    assertTrue(check(zones, q, true), "over TCP it fits");
  }

  @Test
  void aZoneNamedAsTheQuestionIsTheOneThatAnswersEvenRightAfterItsParentAnswered()
      throws Exception {
    // The parent has data at the child's name too: answering from the parent would differ.
    String parent =
        "$ORIGIN p.test.\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
            + "www A 192.0.2.3\nkid A 192.0.2.4\n";
    String child =
        "$ORIGIN kid.p.test.\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.9\n"
            + "@ A 192.0.2.10\n";
    List<ZoneChange> changes = new ArrayList<>();
    changes.addAll(ZoneFileChanges.changes(parent, Name.fromString("p.test.")));
    changes.addAll(ZoneFileChanges.changes(child, Name.fromString("kid.p.test.")));
    ZoneSet zones = ZoneSet.empty().apply(changes);
    DirectAnswer.Memo memo = new DirectAnswer.Memo();
    for (String name : List.of("www.p.test.", "KID.p.test.", "p.test.", "kid.p.test.")) {
      Message q = query(name, Type.A, DClass.IN, true, 1232, false);
      int limit = Answerer.udpLimit(q, MAX_PAYLOAD);
      DirectAnswer.Answer answer = direct(zones, q, limit, memo);
      Message general = Answerer.answer(zones, new Message(q.toWire()), MAX_PAYLOAD, false);
      if (name.equals("p.test.")) {
        assertEquals(null, answer, "the parent's apex has no address");
        continue;
      }
      assertArrayEquals(Render.toWire(general, limit), answer.wire(), name);
    }
  }

  @Test
  void theAnswerIsTheMemosOwnAndTheNextAnswerReplacesIt() throws Exception {
    ZoneSet zones =
        zones(
            "$ORIGIN r.test.\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
                + "a A 192.0.2.5\nb A 192.0.2.6\n");
    DirectAnswer.Memo memo = new DirectAnswer.Memo();
    Message qa = query("a.r.test.", Type.A, DClass.IN, false, 0, false);
    Message qb = query("b.r.test.", Type.A, DClass.IN, false, 0, false);
    DirectAnswer.Answer a = direct(zones, qa, 512, memo);
    byte[] first = a.wire();
    DirectAnswer.Answer b = direct(zones, qb, 512, memo);
    assertSame(a, b);
    assertEquals(first.length, b.length());
    assertFalse(Arrays.equals(first, b.wire()), "b's answer is not a's");
    assertArrayEquals(first, direct(zones, qa, 512, memo).wire(), "and a's comes back whole");
  }

  /** Compares the two paths for {@code q}; true when DirectAnswer answered it. */
  private static boolean check(ZoneSet zones, Message q, boolean tcp) throws Exception {
    int limit = tcp ? Answerer.TCP_MAX : Answerer.udpLimit(q, MAX_PAYLOAD);
    DirectAnswer.Answer answer = direct(zones, q, limit);
    byte[] direct = answer == null ? null : answer.wire();
    Message response = Answerer.answer(zones, new Message(q.toWire()), MAX_PAYLOAD, tcp);
    byte[] general = Render.toWire(response, limit);
    if (direct == null) {
      assertFalse(
          plainPositive(zones, q, new Message(general)),
          () -> "not answered directly: " + q.getQuestion() + "\n" + response);
      return false;
    }
    assertArrayEquals(
        general,
        direct,
        () -> q.getQuestion() + " general " + hex(general) + " direct " + hex(direct));
    return true;
  }

  /**
   * Whether {@code r} is what DirectAnswer is for: data of an A, AAAA or TXT question in class IN,
   * whole (not truncated, nothing left out), from a name that has a node of its own (not a
   * wildcard's synthesis), and no zone cut above it.
   */
  private static boolean plainPositive(ZoneSet zones, Message q, Message r) {
    Record question = q.getQuestion();
    int t = question.getType();
    if (question.getDClass() != DClass.IN || t != Type.A && t != Type.AAAA && t != Type.TXT) {
      return false;
    }
    if (r.getRcode() != 0 || !r.getHeader().getFlag(Flags.AA) || r.getHeader().getFlag(Flags.TC)) {
      return false;
    }
    List<Record> answer = r.getSection(Section.ANSWER);
    if (answer.isEmpty() || answer.stream().anyMatch(a -> a.getType() != t)) {
      return false;
    }
    var zone = zones.findZone(question.getName()).orElseThrow();
    var apex = zone.node(zone.origin());
    var ns = apex.rrset(Type.NS);
    // Optional sections dropped for size are the general path's to decide.
    boolean whole = r.getSection(Section.AUTHORITY).size() == (ns == null ? 0 : ns.size());
    return whole && zone.node(question.getName()) != null;
  }

  private static DirectAnswer.Answer direct(ZoneSet zones, Message q, int limit) {
    return direct(zones, q, limit, MEMO);
  }

  private static DirectAnswer.Answer direct(
      ZoneSet zones, Message q, int limit, DirectAnswer.Memo memo) {
    byte[] wire = q.toWire();
    Record question = q.getQuestion();
    int qnameLength = question.getName().toWire().length;
    // Inside a longer buffer, as the event loop's reused one holds it.
    byte[] questionBytes = Arrays.copyOfRange(wire, 12, 12 + qnameLength + 4 + 9);
    OPTRecord opt = q.getOPT();
    return DirectAnswer.render(
        zones,
        questionBytes,
        qnameLength + 4,
        q.getHeader().getID(),
        q.getHeader().getFlag(Flags.RD),
        question.getType(),
        question.getDClass(),
        opt != null,
        opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0,
        MAX_PAYLOAD,
        limit,
        memo);
  }

  private static String hex(byte[] b) {
    return b == null ? "null" : HexFormat.of().formatHex(b);
  }

  private static ZoneSet zones(String text) throws Exception {
    String origin = text.substring("$ORIGIN ".length(), text.indexOf('\n'));
    return ZoneSet.empty().apply(ZoneFileChanges.changes(text, Name.fromString(origin)));
  }

  /** A parent zone and, sometimes, a child zone below one of its cuts. */
  private static ZoneSet randomZones(Random r, List<String> names) throws Exception {
    String origin = "z" + r.nextInt(1000) + ".test.";
    StringBuilder t =
        new StringBuilder("$ORIGIN " + origin + "\n$TTL " + (60 + r.nextInt(3600)) + "\n");
    t.append("@ SOA ns1 hostmaster ").append(r.nextInt(100000)).append(" 7200 3600 1209600 60\n");
    int nsCount = r.nextInt(4); // 0: no apex NS at all
    for (int i = 1; i <= nsCount; i++) {
      String target = r.nextInt(4) == 0 ? "ns" + i + ".elsewhere.example." : mixCase(r, "ns" + i);
      t.append("@ NS ").append(target).append('\n');
      if (!target.endsWith(".") && r.nextInt(5) != 0) {
        t.append(target).append(" A 192.0.2.").append(1 + r.nextInt(3)).append('\n');
        if (r.nextBoolean()) {
          t.append(target).append(" AAAA 2001:db8::").append(1 + r.nextInt(3)).append('\n');
        }
        names.add("ns" + i + "." + origin);
      }
    }
    int count = 5 + r.nextInt(30);
    for (int i = 0; i < count; i++) {
      String label = mixCase(r, "h" + i);
      String owner =
          switch (r.nextInt(6)) {
            case 0 -> label + ".deep.er";
            case 1 -> label + ".a.b.c";
            default -> label;
          };
      names.add(owner + "." + origin);
      int ttl = 1 + r.nextInt(86400);
      switch (r.nextInt(9)) {
        case 0 ->
            t.append(owner)
                .append(' ')
                .append(ttl)
                .append(" CNAME h")
                .append(r.nextInt(count))
                .append('\n');
        case 1 -> {
          t.append(owner).append(" NS ns.").append(owner).append('\n');
          t.append("ns.")
              .append(owner)
              .append(" A 198.51.100.")
              .append(1 + r.nextInt(250))
              .append('\n');
          names.add("www." + owner + "." + origin);
        }
        case 2 ->
            t.append("*.")
                .append(owner)
                .append(" A 203.0.113.")
                .append(1 + r.nextInt(250))
                .append('\n');
        default -> {
          int addresses = 1 + r.nextInt(4);
          for (int a = 0; a < addresses; a++) {
            // Sometimes the same address as a glue record, which the additional section drops.
            t.append(owner)
                .append(' ')
                .append(ttl)
                .append(" A 192.0.2.")
                .append(1 + r.nextInt(r.nextBoolean() ? 3 : 250))
                .append('\n');
          }
          if (r.nextBoolean()) {
            t.append(owner)
                .append(" AAAA 2001:db8::")
                .append(Integer.toHexString(1 + r.nextInt(4)))
                .append('\n');
          }
          if (r.nextInt(3) == 0) {
            t.append(owner)
                .append(" TXT \"")
                .append("t".repeat(r.nextInt(r.nextInt(8) == 0 ? 250 : 30)))
                .append("\" \"v=")
                .append(i)
                .append("\"\n");
          }
          if (r.nextInt(5) == 0) {
            t.append(owner).append(" MX 10 h").append(r.nextInt(count)).append('\n');
          }
        }
      }
    }
    if (r.nextBoolean()) {
      t.append("@ A 192.0.2.").append(1 + r.nextInt(250)).append('\n');
      t.append("@ TXT \"apex\"\n");
    }
    List<ZoneChange> changes =
        new ArrayList<>(ZoneFileChanges.changes(t.toString(), Name.fromString(origin)));
    if (r.nextInt(3) == 0) {
      String child = "kid." + origin;
      String c =
          "$ORIGIN "
              + child
              + "\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.9\nwww A 192.0.2.10\n";
      changes.addAll(ZoneFileChanges.changes(c, Name.fromString(child)));
      names.add("www." + child);
      names.add(child);
    }
    names.add(origin);
    names.add("nothing." + origin);
    names.add("x.deep.er." + origin);
    names.add("deep.er." + origin);
    return ZoneSet.empty().apply(changes);
  }

  private static Message randomQuery(Random r, List<String> names) throws Exception {
    String name = names.get(r.nextInt(names.size()));
    if (r.nextInt(8) == 0) {
      name = "w" + r.nextInt(3) + "." + name; // below a wildcard, a cut or nothing
    }
    int qclass = r.nextInt(20) == 0 ? DClass.CH : r.nextInt(20) == 0 ? DClass.ANY : DClass.IN;
    boolean edns = r.nextInt(4) != 0;
    int payload = r.nextBoolean() ? 4096 : 512 + r.nextInt(1200);
    return query(
        mixCase(r, name), QTYPES[r.nextInt(QTYPES.length)], qclass, edns, payload, r.nextBoolean());
  }

  private static Message query(
      String name, int type, int dclass, boolean edns, int payload, boolean dnssecOk)
      throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
    q.getHeader().setID(new Random(name.hashCode()).nextInt(65536));
    if (name.hashCode() % 3 == 0) {
      q.getHeader().unsetFlag(Flags.RD);
    }
    if (edns) {
      q.addRecord(
          new OPTRecord(payload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    }
    return q;
  }

  private static String mixCase(Random r, String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(r.nextInt(4) == 0 ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }
}
