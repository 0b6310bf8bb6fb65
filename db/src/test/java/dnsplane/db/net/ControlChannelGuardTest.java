package dnsplane.db.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.net.ControlChannelGuard.Call;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The control-channel rules the planner, the enactors and the resolver share. */
class ControlChannelGuardTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String JSON = "application/json";
  private final ControlChannelGuard open = new ControlChannelGuard(null);
  private final ControlChannelGuard tokened = new ControlChannelGuard("t0ken");

  private static Call call(
      String method, String host, String origin, String type, String auth, InetAddress client) {
    return new Call(method, host, origin, type, auth, client);
  }

  @Test
  void readsAlwaysPass() throws Exception {
    InetAddress far = InetAddress.getByName("192.0.2.1");
    for (ControlChannelGuard g : new ControlChannelGuard[] {open, tokened}) {
      assertNull(g.check(call("GET", "evil.example", "http://evil.example", null, null, far)));
      assertNull(g.check(call("HEAD", "x", null, null, null, far)));
    }
  }

  @Test
  void withoutATokenOnlyLoopbackJsonFromItsOwnOriginPasses() throws Exception {
    assertNull(open.check(call("POST", "127.0.0.1:8082", null, JSON, null, LOOPBACK)));
    assertNull(
        open.check(
            call(
                "DELETE",
                "localhost:8082",
                "http://localhost:8082",
                "application/json; charset=utf-8",
                null,
                LOOPBACK)));
    assertNull(open.check(call("PUT", "[::1]:8082", null, JSON, null, LOOPBACK)));
    assertEquals(
        403,
        open.check(call("POST", "127.0.0.1:8082", "http://evil.example", JSON, null, LOOPBACK))
            .status());
    assertEquals(
        403, open.check(call("POST", "127.0.0.1:8082", "null", JSON, null, LOOPBACK)).status());
    assertEquals(
        415, open.check(call("POST", "127.0.0.1:8082", null, null, null, LOOPBACK)).status());
    assertEquals(
        415,
        open.check(call("POST", "127.0.0.1:8082", null, "text/plain", null, LOOPBACK)).status());
    assertEquals(
        403,
        open.check(
                call(
                    "POST", "127.0.0.1:8082", null, JSON, null, InetAddress.getByName("192.0.2.1")))
            .status());
    ControlChannelGuard.Refusal rebound =
        open.check(call("POST", "evil.example:8082", null, JSON, null, LOOPBACK));
    assertEquals(403, rebound.status());
    assertTrue(rebound.error().contains("loopback name"), rebound.error());
  }

  @Test
  void withATokenTheTokenDecidesButAForeignOriginIsStillRefused() throws Exception {
    InetAddress far = InetAddress.getByName("192.0.2.1");
    assertEquals(401, tokened.check(call("POST", "h:1", null, JSON, null, LOOPBACK)).status());
    assertEquals(
        401, tokened.check(call("POST", "h:1", null, JSON, "Bearer guess", LOOPBACK)).status());
    assertNull(tokened.check(call("POST", "h:1", null, "text/plain", "Bearer t0ken", far)));
    assertEquals(
        403,
        tokened
            .check(call("POST", "h:1", "http://evil.example", JSON, "Bearer t0ken", far))
            .status());
  }

  @Test
  void aNonLoopbackListenNeedsAToken() {
    ControlChannelGuard.requireSafeListen(new InetSocketAddress("127.0.0.1", 8081), null);
    ControlChannelGuard.requireSafeListen(new InetSocketAddress("0.0.0.0", 8081), "t0ken");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ControlChannelGuard.requireSafeListen(new InetSocketAddress("0.0.0.0", 8081), " "));
    assertTrue(e.getMessage().contains("DNSPLANE_API_TOKEN"), e.getMessage());
  }
}
