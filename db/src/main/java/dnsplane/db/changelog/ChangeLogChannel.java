package dnsplane.db.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * ChangeLogChannel is how a follower hears of commits: the schema's triggers {@code NOTIFY} on
 * {@link #CHANNEL} once per writing statement, and a follower {@code LISTEN}s on its own
 * connection. Completeness never depends on it (sequence numbers do that); it only makes the
 * follower fast.
 */
public final class ChangeLogChannel {

  /** The channel the schema's triggers notify on commit (V1__schema.sql, pg_notify). */
  public static final String CHANNEL = "dnsplane_change";

  /** Shown in pg_stat_activity, so operators (and tests) can find authdns's follower. */
  public static final String FOLLOWER_APPLICATION_NAME = "dnsplane-authdns-sync";

  private ChangeLogChannel() {}

  /**
   * Names the connection {@link #FOLLOWER_APPLICATION_NAME} and, when {@code listen}, LISTENs on
   * {@link #CHANNEL}. A hot standby refuses LISTEN (NOTIFY is not replicated): pass false there.
   */
  public static void subscribeFollower(Connection c, boolean listen) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET application_name = '" + FOLLOWER_APPLICATION_NAME + "'");
      if (listen) {
        st.execute("LISTEN " + CHANNEL);
      }
    }
  }
}
