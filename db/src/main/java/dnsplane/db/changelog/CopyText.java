package dnsplane.db.changelog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CopyText reads rows of PostgreSQL's {@code COPY ... TO STDOUT} text format (tab between fields,
 * {@code \N} for NULL, backslash escapes) and the text form of a {@code text[]} inside them. A full
 * load reads its million rrset rows this way instead of through a result set: the driver keeps no
 * objects of its own per row and column, which cost about a quarter of the read's CPU (1.14-1.28
 * against 1.61-1.63 CPU-seconds for a million rows in a fresh JVM). It is pure; a row it cannot
 * read is an {@link IllegalArgumentException} saying where.
 *
 * <p>Only UTF-8 is read (the driver sets {@code client_encoding} to it on every connection).
 */
final class CopyText {

  private CopyText() {}

  /**
   * The start of each of {@code fields} fields of {@code row} (one COPY data message: the fields
   * and its newline), and past the last one its end plus one: field {@code i} is {@code [start[i],
   * start[i + 1] - 1)}.
   */
  static int[] split(byte[] row, int fields) {
    return split(row, new int[fields + 1]);
  }

  /** As {@link #split}, into {@code start} (of length fields + 1), which it returns. */
  static int[] split(byte[] row, int[] start) {
    int fields = start.length - 1;
    int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
    int f = 1;
    for (int i = 0; i < end; i++) {
      if (row[i] == '\t') {
        if (f == fields) {
          throw new IllegalArgumentException("COPY row has more than " + fields + " fields");
        }
        start[f++] = i + 1;
      }
    }
    if (f != fields) {
      throw new IllegalArgumentException("COPY row has " + f + " fields, not " + fields);
    }
    start[fields] = end + 1;
    return start;
  }

  /** Whether the field {@code [from, to)} is {@code \N}, a NULL. */
  static boolean isNull(byte[] row, int from, int to) {
    return to - from == 2 && row[from] == '\\' && row[from + 1] == 'N';
  }

  /**
   * Whether the field {@code [from, to)} is, octet for octet, {@code text} (ASCII, no backslash:
   * then the field has no escape either and reads as that text).
   */
  static boolean spells(byte[] row, int from, int to, String text) {
    if (to - from != text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 || c == '\\' || row[from + i] != (byte) c) {
        return false;
      }
    }
    return true;
  }

  /** The field {@code [from, to)} as text, or null for {@code \N}. */
  static String text(byte[] row, int from, int to) {
    if (isNull(row, from, to)) {
      return null;
    }
    for (int i = from; i < to; i++) {
      if (row[i] == '\\') {
        return unescape(row, from, to);
      }
    }
    return new String(row, from, to - from, StandardCharsets.UTF_8);
  }

  /** The field {@code [from, to)} as a long (an integer column: digits and a sign, no escapes). */
  static long number(byte[] row, int from, int to) {
    if (from == to) {
      throw new IllegalArgumentException("COPY field is empty, not a number");
    }
    boolean negative = row[from] == '-';
    int i = negative ? from + 1 : from;
    if (i == to || to - i > 19) {
      throw new IllegalArgumentException("COPY field is not a number: " + ascii(row, from, to));
    }
    long v = 0;
    for (; i < to; i++) {
      int d = row[i] - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("COPY field is not a number: " + ascii(row, from, to));
      }
      v = v * 10 + d;
      if (v < 0) {
        throw new IllegalArgumentException("COPY field overflows a long: " + ascii(row, from, to));
      }
    }
    return negative ? -v : v;
  }

  /** COPY FROM's escapes, as COPY TO writes them (and the octal and hex forms it reads). */
  private static String unescape(byte[] row, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = row[i];
      if (b != '\\') {
        out[n++] = b;
        continue;
      }
      if (++i == to) {
        throw new IllegalArgumentException("COPY field ends in a lone backslash");
      }
      byte c = row[i];
      switch (c) {
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'v' -> out[n++] = 0x0b;
        case 'x' -> {
          int v = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
            v = v * 16 + Character.digit(row[++i], 16);
            digits++;
          }
          out[n++] = digits == 0 ? (byte) 'x' : (byte) v;
        }
        default -> {
          if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int digits = 1;
                digits < 3 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7';
                digits++) {
              v = v * 8 + row[++i] - '0';
            }
            out[n++] = (byte) v;
          } else {
            out[n++] = c; // \\ and any other character stand for themselves
          }
        }
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The elements of a one-dimensional {@code text[]} in PostgreSQL's output form ({@code {a,"b
   * c",NULL}}); a NULL element is null in the list, as the driver gives it. The list cannot be
   * changed.
   */
  static List<String> textArray(String literal) {
    int i = 0;
    int n = literal.length();
    if (n > 0 && literal.charAt(0) == '[') {
      // Bounds other than [1:n] are written before the braces ("[0:1]={a,b}"): the elements are
      // what a reader of the array gets, in order, either way.
      i = literal.indexOf('=');
      if (i < 0) {
        throw new IllegalArgumentException("not an array: " + literal);
      }
      i++;
    }
    if (i >= n || literal.charAt(i) != '{' || literal.charAt(n - 1) != '}') {
      throw new IllegalArgumentException("not an array: " + literal);
    }
    i++;
    int end = n - 1;
    if (i == end) {
      return List.of();
    }
    List<String> out = new ArrayList<>(4);
    StringBuilder quoted = null;
    while (true) {
      char ch = literal.charAt(i);
      if (ch == '{') {
        throw new IllegalArgumentException("not a one-dimensional array: " + literal);
      }
      if (ch == '"') {
        if (quoted == null) {
          quoted = new StringBuilder();
        }
        quoted.setLength(0);
        i++;
        while (true) {
          if (i >= end) {
            throw new IllegalArgumentException("unterminated quoted element in " + literal);
          }
          char q = literal.charAt(i++);
          if (q == '"') {
            break;
          }
          if (q == '\\') {
            if (i >= end) {
              throw new IllegalArgumentException("unterminated quoted element in " + literal);
            }
            q = literal.charAt(i++);
          }
          quoted.append(q);
        }
        out.add(quoted.toString());
      } else {
        int stop = i;
        while (stop < end && literal.charAt(stop) != ',') {
          stop++;
        }
        if (stop == i) {
          throw new IllegalArgumentException("empty unquoted element in " + literal);
        }
        String element = literal.substring(i, stop);
        // Output quotes an element spelled NULL; unquoted, it is a NULL.
        out.add(element.equalsIgnoreCase("NULL") ? null : element);
        i = stop;
      }
      if (i == end) {
        return Collections.unmodifiableList(out);
      }
      if (literal.charAt(i) != ',') {
        throw new IllegalArgumentException("expected ',' at " + i + " in " + literal);
      }
      i++;
      if (i == end) {
        throw new IllegalArgumentException("array ends in ',': " + literal);
      }
    }
  }

  private static String ascii(byte[] row, int from, int to) {
    return new String(row, from, Math.min(to - from, 40), StandardCharsets.ISO_8859_1);
  }
}
