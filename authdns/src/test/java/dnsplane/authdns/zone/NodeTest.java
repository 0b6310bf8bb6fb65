package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * {@link Node} keeps one rrset in one small object and several in sorted arrays: under random
 * updates it answers every question as a plain sorted map of type to records does, and an update
 * never changes the node it was made from.
 */
class NodeTest {

  private static final Name OWNER = Name.fromConstantString("www.a.test.");
  private static final int[] TYPES = {1, 2, 5, 6, 15, 16, 28, 33, 65, 257, 65280};

  @Test
  void behavesAsASortedMapOfTypeToRecordsUnderRandomUpdates() throws Exception {
    Random random = new Random(1129);
    for (int round = 0; round < 500; round++) {
      Node node = Node.empty();
      TreeMap<Integer, List<Record>> model = new TreeMap<>();
      for (int step = 0; step < 30; step++) {
        Node before = node;
        List<String> beforeDump = dump(before);
        int type = TYPES[random.nextInt(TYPES.length)];
        if (random.nextInt(3) == 0) {
          node = node.without(type);
          model.remove(type);
        } else {
          List<Record> records = records(random);
          node = node.with(type, records);
          model.put(type, List.copyOf(records));
        }
        assertEquals(beforeDump, dump(before), "an update leaves the node it came from alone");
        assertAgrees(model, node, "round " + round + " step " + step);
      }
    }
  }

  @Test
  void theEmptyNodeIsSharedAndRemovingTheLastTypeReturnsIt() throws Exception {
    Node one = Node.empty().with(1, List.of(a(1)));
    assertSame(Node.empty(), one.without(1));
    assertSame(one, one.without(28), "removing a type not present changes nothing");
    Node two = one.with(28, List.of());
    assertSame(two, two.without(5));
    assertSame(Node.empty(), two.without(1).without(28));
    assertTrue(Node.empty().isEmpty());
    assertEquals(List.of(), Node.empty().types().stream().toList());
  }

  @Test
  void theRecordsHandedOutCannotBeChangedNorChangeWithTheCallersList() throws Exception {
    List<Record> mine = new ArrayList<>(List.of(a(1)));
    Node n = Node.empty().with(1, mine);
    mine.add(a(2));
    assertEquals(1, n.rrset(1).size());
    assertThrows(UnsupportedOperationException.class, () -> n.rrset(1).add(a(3)));
    assertThrows(UnsupportedOperationException.class, () -> n.types().add(5));
  }

  /**
   * A node of one one-record rrset keeps the record, not a list (the common case of a large zone):
   * what it hands out is the same as for any other rrset, before and after a second type comes and
   * goes, and whether the rrset was given as a one-element list of any kind.
   */
  @Test
  void aOneRecordRrsetAnswersAsAListWhateverTheNodeGoesThrough() throws Exception {
    Record r = a(7);
    Node one = Node.empty().with(1, new ArrayList<>(List.of(r)));
    assertEquals(List.of(r), one.rrset(1));
    assertSame(r, one.rrset(1).get(0));
    assertThrows(UnsupportedOperationException.class, () -> one.rrset(1).add(a(8)));
    Node two = one.with(28, List.of());
    assertEquals(List.of(r), two.rrset(1));
    assertEquals(List.of(), two.rrset(28));
    Node back = two.without(28);
    assertEquals(List.of(r), back.rrset(1));
    assertEquals(List.of(1), back.types().stream().toList());
    assertNull(back.rrset(28));
    Node grown = back.with(1, List.of(r, a(8)));
    assertEquals(List.of(r, a(8)), grown.rrset(1));
    assertEquals(List.of(r), grown.with(1, List.of(r)).rrset(1));
    assertEquals(List.of(), one.with(1, List.of()).rrset(1), "an emptied rrset stays, empty");
  }

  private static void assertAgrees(TreeMap<Integer, List<Record>> model, Node node, String what) {
    assertEquals(model.isEmpty(), node.isEmpty(), what);
    assertEquals(List.copyOf(model.keySet()), node.types().stream().toList(), what + ": types");
    assertEquals(model.keySet(), node.types(), what + ": types as a set");
    for (int type : TYPES) {
      assertEquals(model.get(type), node.rrset(type), what + ": type " + type);
      List<Record> r = model.get(type);
      assertEquals(r != null && !r.isEmpty(), node.hasData(type), what + ": data " + type);
      assertEquals(model.containsKey(type), node.types().contains(type), what);
    }
    assertNull(node.rrset(3), what);
    assertFalse(node.types().contains("A"), what);
  }

  private static List<String> dump(Node n) {
    List<String> out = new ArrayList<>();
    for (int t : n.types()) {
      out.add(t + "=" + n.rrset(t));
    }
    return out;
  }

  private static List<Record> records(Random random) throws Exception {
    List<Record> out = new ArrayList<>();
    int count = random.nextInt(4); // 0: an empty rrset (NODATA), which a node keeps
    for (int i = 0; i < count; i++) {
      out.add(a(random.nextInt(250)));
    }
    return out;
  }

  private static Record a(int last) throws Exception {
    return new ARecord(
        OWNER, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last}));
  }
}
