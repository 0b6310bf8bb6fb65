package dnsplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DbSettingsTest {

  @Test
  void defaultsComeFromDesign() {
    DbSettings s = DbSettings.fromEnv(Map.of());
    assertEquals("jdbc:postgresql://127.0.0.1:5432/dnsplane", s.jdbcUrl());
    assertEquals("postgres", s.user());
    assertEquals("", s.password());
    assertEquals("dnsplane", s.databaseName());
  }

  @Test
  void environmentOverridesDefaults() {
    DbSettings s =
        DbSettings.fromEnv(
            Map.of(
                "DNSPLANE_DB_URL", "jdbc:postgresql://db.example.org:6543/other?ssl=false",
                "DNSPLANE_DB_USER", "planner",
                "DNSPLANE_DB_PASSWORD", "secret"));
    assertEquals("other", s.databaseName());
    assertEquals("planner", s.user());
    assertEquals("secret", s.password());
  }

  @Test
  void withDatabaseKeepsServerAndParameters() {
    DbSettings s =
        new DbSettings("jdbc:postgresql://127.0.0.1:5432/dnsplane?connectTimeout=3", "u", "p");
    assertEquals(
        "jdbc:postgresql://127.0.0.1:5432/postgres?connectTimeout=3",
        s.withDatabase("postgres").jdbcUrl());
  }

  @Test
  void rejectsUrlsThatAreNotPostgres() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new DbSettings("jdbc:mysql://h/x", "u", ""));
    assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertTrue(
        !new DbSettings(DbSettings.DEFAULT_URL, "u", "hunter2").toString().contains("hunter2"));
  }
}
