package dnsplane.authdns.xfr;

import static dnsplane.authdns.xfr.TransferAcl.Access.ALLOW;
import static dnsplane.authdns.xfr.TransferAcl.Access.NOTAUTH;
import static dnsplane.authdns.xfr.TransferAcl.Access.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dnsplane.authdns.tsig.TsigCheck;
import dnsplane.authdns.tsig.TsigKey;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;

/** The transfer ACL's decision table: client address × TSIG check → allow, REFUSED, NOTAUTH. */
class TsigAclTest {
  private static final TsigKey K1 = key("k1.");
  private static final TsigKey K2 = key("k2.");
  private static final TsigCheck UNSIGNED = TsigCheck.UNSIGNED;
  private static final TsigCheck SIGNED_K1 = new TsigCheck.Verified(K1, null);
  private static final TsigCheck SIGNED_K2 = new TsigCheck.Verified(K2, null);
  private static final TsigCheck BADSIG = new TsigCheck.Failed(Rcode.BADSIG, null);

  private static TsigKey key(String name) {
    return new TsigKey(Name.fromConstantString(name), TSIG.HMAC_SHA256, new byte[] {1, 2, 3});
  }

  private record Row(String acl, String client, TsigCheck tsig, TransferAcl.Access expected) {}

  @Test
  void decisionTable() throws Exception {
    Row[] rows = {
      // A bare CIDR is NSD's "CIDR NOKEY": unsigned only.
      new Row("192.0.2.0/24", "192.0.2.7", UNSIGNED, ALLOW),
      new Row("192.0.2.0/24", "192.0.2.7", SIGNED_K1, REFUSED),
      new Row("192.0.2.0/24 NOKEY", "192.0.2.7", UNSIGNED, ALLOW),
      new Row("192.0.2.0/24", "198.51.100.1", UNSIGNED, REFUSED),
      // An entry with a key: that key, from that network.
      new Row("192.0.2.0/24 k1", "192.0.2.7", SIGNED_K1, ALLOW),
      new Row("192.0.2.0/24 k1", "192.0.2.7", UNSIGNED, REFUSED),
      new Row("192.0.2.0/24 k1", "192.0.2.7", SIGNED_K2, REFUSED),
      new Row("192.0.2.0/24 k1", "198.51.100.1", SIGNED_K1, REFUSED),
      new Row("any k1", "2001:db8::1", SIGNED_K1, ALLOW),
      new Row("any k1", "2001:db8::1", UNSIGNED, REFUSED),
      // Any matching entry allows.
      new Row("192.0.2.0/24 k1,192.0.2.0/24", "192.0.2.7", UNSIGNED, ALLOW),
      new Row("192.0.2.0/24 k1,192.0.2.0/24 k2", "192.0.2.7", SIGNED_K2, ALLOW),
      // A TSIG that fails is NOTAUTH whatever the ACL says, even where unsigned would be allowed.
      new Row("192.0.2.0/24", "192.0.2.7", BADSIG, NOTAUTH),
      new Row("", "192.0.2.7", BADSIG, NOTAUTH),
      new Row("", "192.0.2.7", UNSIGNED, REFUSED),
    };
    for (Row r : rows) {
      assertEquals(
          r.expected(),
          TransferAcl.parse(r.acl()).decide(InetAddress.getByName(r.client()), r.tsig()),
          r.toString());
    }
  }

  @Test
  void keyNamesAreCaseInsensitiveAndListed() throws Exception {
    TransferAcl acl = TransferAcl.parse("127.0.0.1 K1, ::1/128 NOKEY, any k2");
    assertEquals(Set.of(K1.name(), K2.name()), acl.keyNames());
    assertEquals(ALLOW, acl.decide(InetAddress.getByName("127.0.0.1"), SIGNED_K1));
  }

  @Test
  void badEntriesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TransferAcl.parse("any"));
    assertThrows(IllegalArgumentException.class, () -> TransferAcl.parse("any NOKEY"));
    assertThrows(IllegalArgumentException.class, () -> TransferAcl.parse("10.0.0.0/8 k1 extra"));
    assertThrows(IllegalArgumentException.class, () -> TransferAcl.parse("example.org k1"));
  }
}
