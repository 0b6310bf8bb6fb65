package dnsplane.db;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * DbSettings is where a component finds PostgreSQL: {@code DNSPLANE_DB_URL} (a JDBC URL), {@code
 * DNSPLANE_DB_USER} and {@code DNSPLANE_DB_PASSWORD}, with the defaults of DESIGN.md.
 */
public record DbSettings(String jdbcUrl, String user, String password) {

  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/dnsplane";
  public static final String DEFAULT_USER = "postgres";

  public DbSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "database URL must start with jdbc:postgresql://, got " + jdbcUrl);
    }
    password = password == null ? "" : password;
  }

  /** Reads the settings from the process environment. */
  public static DbSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  public static DbSettings fromEnv(Map<String, String> env) {
    return new DbSettings(
        nonBlank(env.get("DNSPLANE_DB_URL"), DEFAULT_URL),
        nonBlank(env.get("DNSPLANE_DB_USER"), DEFAULT_USER),
        nonBlank(env.get("DNSPLANE_DB_PASSWORD"), ""));
  }

  /** The name of the database in the URL ("dnsplane" in jdbc:postgresql://h:5432/dnsplane?x=y). */
  public String databaseName() {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String path = uri.getPath();
    if (path == null || path.length() <= 1) {
      throw new IllegalArgumentException("database URL names no database: " + jdbcUrl);
    }
    return path.substring(1);
  }

  /** The same server, database {@code other} (used to reach the maintenance database). */
  public DbSettings withDatabase(String other) {
    String name = databaseName();
    int at = jdbcUrl.indexOf("/" + name, "jdbc:postgresql://".length());
    String url = jdbcUrl.substring(0, at + 1) + other + jdbcUrl.substring(at + 1 + name.length());
    return new DbSettings(url, user, password);
  }

  /** The URL with the password left out, for logs. */
  @Override
  public String toString() {
    return "DbSettings[" + jdbcUrl + " as " + user + "]";
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
