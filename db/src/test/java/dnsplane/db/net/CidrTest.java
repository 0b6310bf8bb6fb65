package dnsplane.db.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static byte[] ip(String literal) throws Exception {
    return InetAddress.getByName(literal).getAddress();
  }

  @Test
  void matchesIpv4OnWholeAndPartialBytes() throws Exception {
    assertTrue(Cidr.parse("127.0.0.0/8").contains(ip("127.1.2.3")));
    assertFalse(Cidr.parse("127.0.0.1/32").contains(ip("127.0.0.2")));
    assertTrue(Cidr.parse("10.0.0.0/9").contains(ip("10.127.0.1")));
    assertFalse(Cidr.parse("10.0.0.0/9").contains(ip("10.128.0.1")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
    assertTrue(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7")));
  }

  @Test
  void matchesIpv6AndNeverAcrossFamilies() throws Exception {
    Cidr net = Cidr.parse("2001:db8:1::/48");
    assertTrue(net.contains(ip("2001:db8:1:ffff::1")));
    assertFalse(net.contains(ip("2001:db8:2::1")));
    assertTrue(Cidr.parse("::1").contains(ip("::1")));
    assertFalse(Cidr.parse("::/0").contains(ip("127.0.0.1")));
    assertFalse(Cidr.parse("0.0.0.0/0").contains(ip("::1")));
  }

  @Test
  void clearsHostBitsSoEqualNetworksAreEqual() {
    Cidr c = Cidr.parse("192.0.2.77/25");
    assertEquals("192.0.2.0/25", c.toString());
    assertEquals(Cidr.parse("192.0.2.0/25"), c);
    assertEquals(Cidr.parse("192.0.2.0/25").hashCode(), c.hashCode());
    assertEquals("2001:db8:0:0:0:0:0:1/128", Cidr.parse("2001:db8::1").toString());
    assertEquals(0xC0000200, c.v4Network());
    assertEquals(25, c.prefixLength());
  }

  @Test
  void ipv4MappedIsIpv4AsNetworkAndAsClient() throws Exception {
    assertEquals(Cidr.parse("192.0.2.0/24"), Cidr.parse("::ffff:192.0.2.0/120"));
    assertEquals(Cidr.parse("192.0.2.1/32"), Cidr.parse("::ffff:192.0.2.1"));
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(ip("192.0.2.9"), 0, mapped, 12, 4);
    // What a dual-stack socket can hand over when the JDK does not fold it.
    InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
    assertTrue(Cidr.parse("192.0.2.0/24").contains(client.getAddress()));
    assertFalse(Cidr.parse("192.0.3.0/24").contains(mapped));
    mapped[0] = 1; // no longer mapped
    assertFalse(Cidr.parse("0.0.0.0/0").contains(mapped));
  }

  @Test
  void refusesNonsenseNamingTheInput() {
    assertMessage("'example.org' is not an IP address", "example.org");
    assertMessage("'localhost/8' is not an IP address", "localhost/8");
    assertMessage("'' is not an IP address", "");
    assertMessage("prefix length 33 in '192.0.2.0/33' is out of range 0-32", "192.0.2.0/33");
    assertMessage("prefix length 129 in '::/129' is out of range 0-128", "::/129");
    assertMessage("prefix length 'x' in '10.0.0.0/x' is not a number", "10.0.0.0/x");
    assertMessage("prefix length '' in '10.0.0.0/' is not a number", "10.0.0.0/");
    assertMessage("prefix length '-1' in '10.0.0.0/-1' is not a number", "10.0.0.0/-1");
    assertMessage(
        "prefix length 64 in '::ffff:192.0.2.0/64' is out of range 96-128", "::ffff:192.0.2.0/64");
    assertThrows(IllegalArgumentException.class, () -> new Cidr(new byte[5], 0));
    assertThrows(IllegalArgumentException.class, () -> new Cidr(new byte[4], 33));
    assertThrows(IllegalStateException.class, () -> Cidr.parse("::1").v4Network());
  }

  private static void assertMessage(String start, String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }

  @Test
  void parsesListsAndKeepsNetworksImmutable() {
    assertEquals(
        List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32")),
        Cidr.parseList(" 192.0.2.0/24, ,2001:db8::/32 "));
    assertTrue(Cidr.parseList(" ").isEmpty());
    byte[] bytes = {10, 0, 0, 0};
    Cidr c = new Cidr(bytes, 8);
    bytes[0] = 11;
    c.network()[0] = 12;
    assertEquals("10.0.0.0/8", c.toString());
  }
}
