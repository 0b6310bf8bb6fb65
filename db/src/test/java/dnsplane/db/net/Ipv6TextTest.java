package dnsplane.db.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class Ipv6TextTest {

  private static String text(String address) throws Exception {
    return Ipv6Text.format(InetAddress.getByName(address).getAddress());
  }

  @Test
  void rfc5952Section4() throws Exception {
    assertEquals("2001:db8::1", text("2001:0DB8:0000:0000:0000:0000:0000:0001"));
    // 4.2.2: a single zero group is not shortened.
    assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
    // 4.2.3: the first of two equally long runs is shortened.
    assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"));
    assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"));
    assertEquals("::", text("::"));
    assertEquals("::1", text("::1"));
    assertEquals("fe80::", text("fe80:0:0:0:0:0:0:0"));
  }
}
