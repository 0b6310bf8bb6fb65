package dnsplane.authdns.sync;

import java.sql.SQLException;

/**
 * SetupProblems tells a database failure an operator must fix (no schema, no rights, no database)
 * from an outage that reconnecting outlasts: the follower logs the first as an error with what to
 * do, the second as a lost connection. Pure.
 */
final class SetupProblems {
  private SetupProblems() {}

  /**
   * What an operator should do about {@code e}, when it is a set-up problem rather than an outage.
   */
  static String hint(Exception e) {
    String state = e instanceof SQLException sql ? sql.getSQLState() : null;
    if (state == null) {
      return null;
    }
    return switch (state) {
      case "42P01", "42883" -> "the schema is missing or old: run 'authdns migrate'";
      case "42501" ->
          "this role lacks read rights: grant it dnsplane_reader (GRANT dnsplane_reader TO ...)";
      case "3D000" -> "the database does not exist: run 'authdns migrate', which creates it";
      default -> null;
    };
  }
}
