package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * The trie hash of a name's wire bytes, and the look-up by those bytes, as the answer path takes
 * them from a query's question.
 */
class NameTrieHashTest {

  @Test
  void theWireHashOfAnySpellingAndOfEverySuffixIsTheNamesHash() throws Exception {
    Random r = new Random(20261130);
    for (int n = 0; n < 2000; n++) {
      StringBuilder text = new StringBuilder();
      int labels = 1 + r.nextInt(5);
      for (int l = 0; l < labels; l++) {
        int length = 1 + r.nextInt(12);
        for (int c = 0; c < length; c++) {
          // Letters in both cases, digits, and octets above ASCII (only A-Z fold).
          int kind = r.nextInt(10);
          char ch =
              kind < 4
                  ? (char) ('a' + r.nextInt(26))
                  : kind < 8 ? (char) ('A' + r.nextInt(26)) : kind == 8 ? '7' : '-';
          text.append(ch);
        }
        text.append('.');
      }
      Name name = Name.fromString(text.toString());
      byte[] wire = name.toWire();
      int from = 0;
      for (int i = 0; i < name.labels(); i++) {
        Name suffix = i == 0 ? name : new Name(name, i);
        assertEquals(
            NameTrie.hash(suffix), WireNames.hash(wire, from, wire.length), text + " @" + i);
        from += 1 + (wire[from] & 0xFF);
      }
    }
  }

  @Test
  void octetsOutsideAsciiLettersAreNotFolded() throws Exception {
    // 0xC1 and 0xE1 differ by the case bit, but DNS folds ASCII letters only.
    byte[] upper = {1, (byte) 0xC1, 0};
    byte[] lower = {1, (byte) 0xE1, 0};
    assertNotEquals(WireNames.hash(upper, 0, 3), WireNames.hash(lower, 0, 3));
    assertEquals(NameTrie.hash(new Name(upper)), WireNames.hash(upper, 0, 3));
    assertEquals(NameTrie.hash(new Name(lower)), WireNames.hash(lower, 0, 3));
  }

  @Test
  void aLookUpByBytesFindsTheStoredSpellingAndNothingElseEvenAmongEqualHashes() throws Exception {
    Name origin = Name.fromString("w.test.");
    // Two names of one trie hash (a collision node), found by search as TrieSnapshotTest does.
    Map<Integer, Name> seen = new HashMap<>();
    Name first = null;
    Name second = null;
    for (int i = 0; second == null; i++) {
      Name n = Name.fromString("c" + i, origin);
      Name other = seen.putIfAbsent(NameTrie.hash(n), n);
      if (other != null) {
        first = other;
        second = n;
      }
    }
    List<Name> stored =
        List.of(
            Name.fromString("MiXed", origin),
            first,
            second,
            origin,
            Name.fromString("a.b", origin));
    NameTrie trie = NameTrie.EMPTY;
    for (Name n : stored) {
      trie = trie.plus(n, n.toString());
    }
    Name[] found = new Name[1];
    for (Name n : stored) {
      byte[] wire = Name.fromString(n.toString().toUpperCase(Locale.ROOT)).toWire();
      // Inside a larger buffer, as a question sits in a packet.
      byte[] packet = new byte[wire.length + 7];
      System.arraycopy(wire, 0, packet, 3, wire.length);
      assertEquals(n.toString(), trie.getWire(packet, 3, 3 + wire.length, found), n.toString());
      assertSame(n, found[0], "the stored key, spelled as stored");
    }
    found[0] = null;
    // Same length and hash chunk path as nothing stored: a name one octet off is absent.
    for (String absent : List.of("mixee.w.test.", "a.c.w.test.", "c.w.test.", "w.test.x.")) {
      byte[] wire = Name.fromString(absent).toWire();
      assertNull(trie.getWire(wire, 0, wire.length, found), absent);
      assertNull(found[0], absent);
    }
    assertNull(NameTrie.EMPTY.getWire(origin.toWire(), 0, origin.length(), found));
  }

  @Test
  void readingAheadWalksEachHashToTheEntryItsLookUpEndsAt() throws Exception {
    Name origin = Name.fromString("t.test.");
    NameTrie trie = NameTrie.EMPTY;
    int count = 20_000; // deep enough for sub-levels under most level-3 chunks
    Name[] names = new Name[count];
    for (int i = 0; i < count; i++) {
      names[i] = Name.fromString("h" + i, origin);
      // Every fifth value a Node, the rest plain records: the walk tells them apart.
      Object value =
          i % 5 == 0
              ? Node.empty()
              : new org.xbill.DNS.ARecord(
                  names[i],
                  1,
                  300,
                  java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i}));
      trie = trie.plus(names[i], value);
    }
    Random r = new Random(7);
    int[] hashes = new int[16];
    Object[] cursors = new Object[16];
    for (int round = 0; round < 500; round++) {
      int expected = 0;
      for (int q = 0; q < hashes.length; q++) {
        int i = r.nextInt(count);
        hashes[q] = NameTrie.hash(names[i]);
        expected += names[i].length() + (i % 5 == 0 ? 1 : 2);
      }
      assertEquals(
          expected, TrieReadAhead.touch(trie, hashes, hashes.length, cursors), "round " + round);
    }
  }
}
