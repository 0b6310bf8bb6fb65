package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** The trie hash of a name's wire bytes, as the answer path takes it from a query's question. */
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
            NameTrie.hash(suffix), NameTrie.hashWire(wire, from, wire.length), text + " @" + i);
        from += 1 + (wire[from] & 0xFF);
      }
    }
  }

  @Test
  void octetsOutsideAsciiLettersAreNotFolded() throws Exception {
    // 0xC1 and 0xE1 differ by the case bit, but DNS folds ASCII letters only.
    byte[] upper = {1, (byte) 0xC1, 0};
    byte[] lower = {1, (byte) 0xE1, 0};
    assertNotEquals(NameTrie.hashWire(upper, 0, 3), NameTrie.hashWire(lower, 0, 3));
    assertEquals(NameTrie.hash(new Name(upper)), NameTrie.hashWire(upper, 0, 3));
    assertEquals(NameTrie.hash(new Name(lower)), NameTrie.hashWire(lower, 0, 3));
  }
}
