package dnsplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real embedded PostgreSQL twice on one data folder: the data must survive. */
class EmbeddedPostgresMainTest {

  @TempDir Path state;

  @Test
  void dataSurvivesARestartOnTheSameFolder() throws Exception {
    EmbeddedPostgresOptions options = options(freePort());
    try (EmbeddedPostgres pg = EmbeddedPostgresMain.start(options);
        Connection c = connect(options.port());
        Statement st = c.createStatement()) {
      assertEquals(options.port(), pg.getPort());
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('before restart')");
      assertTrue(serverVersion(st).startsWith("15."), "PostgreSQL 15 expected");
    }
    EmbeddedPostgresOptions again = options(freePort());
    try (EmbeddedPostgres pg = EmbeddedPostgresMain.start(again);
        Connection c = connect(again.port());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
      assertTrue(rs.next(), "the row written before the restart is gone");
      assertEquals("before restart", rs.getString(1));
    }
  }

  @Test
  void aTakenPortIsNamed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> EmbeddedPostgresMain.start(options(taken.getLocalPort())));
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort() + " is taken"));
    }
  }

  private EmbeddedPostgresOptions options(int port) {
    return EmbeddedPostgresOptions.parse(
        new String[] {"--port", Integer.toString(port)},
        Map.of("DNSPLANE_STATE_DIR", state.toString()));
  }

  private static Connection connect(int port) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String serverVersion(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
