package dnsplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@RequiresPostgres
class DbBootstrapTest {

  @Test
  void prepareCreatesTheMissingDatabaseAndIsIdempotent() throws Exception {
    TestDb server = TestPostgres.freshDatabase();
    String name = "dnsplane_boot_" + UUID.randomUUID().toString().substring(0, 8);
    DbSettings target = server.settings().withDatabase(name);
    try {
      int first = DbBootstrap.prepare(target);
      int second = DbBootstrap.prepare(target);
      assertTrue(first > 0, "the first prepare applies the migrations");
      assertEquals(0, second, "a second prepare changes nothing");
      try (Connection c = DbBootstrap.connect(target);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT last_seq FROM change_log_counter")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
      }
    } finally {
      try (Connection c = DbBootstrap.connect(server.settings().withDatabase("postgres"));
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  @Test
  void unreachableServerIsReportedWithItsAddress() {
    DbSettings nowhere = new DbSettings("jdbc:postgresql://127.0.0.1:1/dnsplane", "postgres", "");
    DatabaseUnavailableException e =
        assertThrows(DatabaseUnavailableException.class, () -> DbBootstrap.prepare(nowhere));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }

  @Test
  void freshDatabasesAreIsolated() throws Exception {
    TestDb a = TestPostgres.freshDatabase();
    TestDb b = TestPostgres.freshDatabase();
    try (Connection c = a.connect();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO zone (name) VALUES ('isolated.test.')");
    }
    try (Connection c = b.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM zone")) {
      rs.next();
      assertEquals(0, rs.getLong(1));
    }
  }
}
