package dnsplane.db.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What a listener heard on the change-log channel, for tests that compare notifications. */
public final class Heard {
  private Heard() {}

  /**
   * Every payload {@code listener} (LISTENing on dnsplane_change) has heard so far, each as "heard
   * PAYLOAD", ending with "heard end": {@code writer} sends that marker after them (notifications
   * are delivered at commit, in order), so nothing is waited for by time. Fails after 20 s.
   */
  public static List<String> untilEnd(Connection writer, Connection listener) throws SQLException {
    Sql.text(writer, "SELECT pg_notify('dnsplane_change', 'end')");
    PGConnection pg = listener.unwrap(PGConnection.class);
    List<String> heard = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!heard.contains("heard end")) {
      if (System.nanoTime() > deadline) {
        Assertions.fail(
            "the end marker was never heard: "
                + heard.subList(Math.max(0, heard.size() - 5), heard.size()));
      }
      for (PGNotification n : pg.getNotifications(1000)) {
        heard.add("heard " + n.getParameter());
      }
    }
    return heard;
  }
}
