package dnsplane.db;

/**
 * DatabaseUnavailableException says PostgreSQL could not be reached, and where it was looked for.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
