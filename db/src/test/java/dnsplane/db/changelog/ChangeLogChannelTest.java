package dnsplane.db.changelog;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** How the follower hears of commits: LISTEN on the channel the schema's triggers notify. */
@RequiresPostgres
class ChangeLogChannelTest {

  private static final String INSERT_WWW =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
          + " VALUES (?, 'www.aws.test.', 'A', 60, '{192.0.2.1}')";
  private static final String APPLICATION_NAME_OF =
      "SELECT application_name FROM pg_stat_activity WHERE pid = ?";

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void freshZone() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = longValue(c, "INSERT INTO zone (name) VALUES ('aws.test.') RETURNING id");
    }
  }

  @Test
  void aSubscribedFollowerHearsACommitAndCanBeFoundByItsName() throws SQLException {
    try (Connection follower = db.connect();
        Connection writer = db.connect()) {
      ChangeLogChannel.subscribeFollower(follower, true);
      exec(writer, INSERT_WWW, zoneId);

      PGNotification[] heard = follower.unwrap(PGConnection.class).getNotifications(10_000);

      assertNotNull(heard, "no NOTIFY within 10 s");
      assertEquals(ChangeLogChannel.CHANNEL, heard[0].getName());
      assertEquals(
          List.of(ChangeLogChannel.CHANNEL), column(follower, "SELECT pg_listening_channels()"));
      assertEquals(
          List.of(ChangeLogChannel.FOLLOWER_APPLICATION_NAME),
          column(writer, APPLICATION_NAME_OF, follower.unwrap(PGConnection.class).getBackendPID()));
    }
  }

  @Test
  void onAStandbyTheFollowerIsNamedButDoesNotListen() throws SQLException {
    try (Connection follower = db.connect();
        Connection writer = db.connect()) {
      ChangeLogChannel.subscribeFollower(follower, false);
      exec(writer, INSERT_WWW, zoneId);

      PGNotification[] heard = follower.unwrap(PGConnection.class).getNotifications(300);

      assertTrue(heard == null || heard.length == 0, "heard a NOTIFY without LISTEN");
      assertEquals(List.of(), column(follower, "SELECT pg_listening_channels()"));
      assertEquals(
          List.of(ChangeLogChannel.FOLLOWER_APPLICATION_NAME),
          column(writer, APPLICATION_NAME_OF, follower.unwrap(PGConnection.class).getBackendPID()));
    }
  }
}
