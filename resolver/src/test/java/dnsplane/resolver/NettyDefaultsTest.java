package dnsplane.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The resolver turns Netty's JFR events off as authdns does (authdns's NettyDefaultsTest shows what
 * that spares a start), unless a {@code -D} set them.
 */
class NettyDefaultsTest {

  @Test
  void jfrEventsAreOffUnlessAskedFor() {
    String given = System.getProperty(Main.NETTY_JFR);
    try {
      System.clearProperty(Main.NETTY_JFR);
      Main.nettyDefaults();
      assertEquals("false", System.getProperty(Main.NETTY_JFR));

      System.setProperty(Main.NETTY_JFR, "true");
      Main.nettyDefaults();
      assertEquals("true", System.getProperty(Main.NETTY_JFR), "a -D wins");
    } finally {
      if (given == null) {
        System.clearProperty(Main.NETTY_JFR);
      } else {
        System.setProperty(Main.NETTY_JFR, given);
      }
    }
  }
}
