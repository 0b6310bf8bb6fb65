package dnsplane.db.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The defaults a DNS server's main gives Netty, each unless a {@code -D} gave it (what they spare a
 * start is authdns's NettyDefaultsTest, a JVM per case).
 */
class NettyDefaultsTest {

  private final Map<String, String> given = new HashMap<>();

  @BeforeEach
  void keep() {
    for (String p : new String[] {NettyDefaults.JFR, NettyDefaults.LEAKS}) {
      given.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
  }

  @AfterEach
  void restore() {
    given.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
  }

  @Test
  void jfrEventsAndLeakSamplingAreOff() {
    NettyDefaults.apply();

    assertEquals("false", System.getProperty(NettyDefaults.JFR));
    assertEquals("disabled", System.getProperty(NettyDefaults.LEAKS));
  }

  @Test
  void aValueGivenWins() {
    System.setProperty(NettyDefaults.JFR, "true");
    System.setProperty(NettyDefaults.LEAKS, "paranoid");

    NettyDefaults.apply();

    assertEquals("true", System.getProperty(NettyDefaults.JFR));
    assertEquals("paranoid", System.getProperty(NettyDefaults.LEAKS));
  }
}
