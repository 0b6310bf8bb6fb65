package dnsplane.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * CopyRows feeds one {@code COPY ... FROM STDIN} (text format) a row at a time through a fixed
 * buffer, so that many rows cost neither a statement nor an array element each. A row is built in
 * {@link #row()} (columns separated by tabs, text values through {@link #escape}) and sent with
 * {@link #endRow()}. Without {@link #finish()}, {@link #close()} cancels the COPY, so that the
 * caller's transaction can roll back on a usable connection.
 */
public final class CopyRows implements AutoCloseable {
  /** How much encoded COPY data is sent at a time. */
  private static final int BUFFER = 1 << 16;

  private final CopyIn copy;
  private final byte[] buffer = new byte[BUFFER];
  private final StringBuilder row = new StringBuilder(512);
  private int used;
  private boolean finished;

  /** Starts {@code copySql} (a {@code COPY ... FROM STDIN}) on PostgreSQL connection {@code c}. */
  public CopyRows(Connection c, String copySql) throws SQLException {
    copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
  }

  /** The next row, empty: append its columns, then call {@link #endRow()}. */
  public StringBuilder row() {
    row.setLength(0);
    return row;
  }

  /** Appends {@code s} to the row with backslash, tab, newline and carriage return escaped. */
  public StringBuilder escape(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> row.append("\\\\");
        case '\t' -> row.append("\\t");
        case '\n' -> row.append("\\n");
        case '\r' -> row.append("\\r");
        default -> row.append(ch);
      }
    }
    return row;
  }

  /** Ends the row (a newline) and queues it, in UTF-8. */
  public void endRow() throws SQLException {
    row.append('\n');
    int n = row.length();
    if (used + n > buffer.length) {
      flush();
    }
    if (n <= buffer.length && ascii(n)) {
      // The usual row: ASCII (names and addresses are), copied without an intermediate array.
      for (int i = 0; i < n; i++) {
        buffer[used + i] = (byte) row.charAt(i);
      }
      used += n;
      return;
    }
    byte[] bytes = row.toString().getBytes(StandardCharsets.UTF_8);
    if (used + bytes.length > buffer.length) {
      flush();
    }
    if (bytes.length > buffer.length) {
      copy.writeToCopy(bytes, 0, bytes.length);
    } else {
      System.arraycopy(bytes, 0, buffer, used, bytes.length);
      used += bytes.length;
    }
  }

  /** Sends what is queued and ends the COPY: the rows are in the table. */
  public void finish() throws SQLException {
    flush();
    copy.endCopy();
    finished = true;
  }

  /** Without {@link #finish}: cancels the COPY. */
  @Override
  public void close() throws SQLException {
    if (!finished && copy.isActive()) {
      copy.cancelCopy();
    }
  }

  private boolean ascii(int n) {
    for (int i = 0; i < n; i++) {
      if (row.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private void flush() throws SQLException {
    if (used > 0) {
      copy.writeToCopy(buffer, 0, used);
      used = 0;
    }
  }
}
