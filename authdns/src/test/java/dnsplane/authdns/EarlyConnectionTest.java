package dnsplane.authdns;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.DbSettings;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The follower's first connection, opened ahead: taken once, for its database only. */
@RequiresPostgres
class EarlyConnectionTest {

  @Test
  void theConnectionStartedIsTakenOnceForItsDatabaseOnly() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    EarlyConnection.start(db.settings());
    DbSettings other = new DbSettings(db.settings().jdbcUrl(), db.settings().user() + "x", "nope");
    assertNull(EarlyConnection.take(other), "another database's first connect is its own");
    try (Connection c = EarlyConnection.take(db.settings())) {
      assertNotNull(c);
      assertTrue(c.isValid(5));
    }
    assertNull(EarlyConnection.take(db.settings()), "once");
  }

  @Test
  void aFailedAttemptIsThrownToWhoTakesIt() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    DbSettings down = new DbSettings("jdbc:postgresql://127.0.0.1:" + closed + "/x", "u", "");
    EarlyConnection.start(down);
    assertThrows(SQLException.class, () -> EarlyConnection.take(down));
    assertNull(EarlyConnection.take(down), "then connects as usual");
  }
}
