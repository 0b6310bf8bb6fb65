package dnsplane.authdns.store;

/**
 * ZoneFileException says why a master file was rejected; {@link #line()} is the 1-based line of the
 * problem when the parser knows it (0 when the problem is the zone as a whole).
 */
public final class ZoneFileException extends Exception {

  private final int line;

  public ZoneFileException(int line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
