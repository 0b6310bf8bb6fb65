package dnsplane.authdns.testing;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.db.testing.TestDb;
import java.net.InetSocketAddress;

/** Servers several tests start. */
public final class TestServers {

  private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

  private TestServers() {}

  /**
   * A server on {@code db} with no state directory (so it starts from PostgreSQL), checkpoints used
   * as {@code mode} says, on loopback ports of the kernel's choosing.
   */
  public static AuthDns withCheckpoints(TestDb db, PersistConfig.Checkpoints mode)
      throws Exception {
    return AuthDns.start(
        db.settings(),
        ANY,
        ANY,
        XfrConfig.defaults(),
        ServerOptions.defaults(),
        PersistConfig.NONE.withCheckpoints(mode));
  }
}
