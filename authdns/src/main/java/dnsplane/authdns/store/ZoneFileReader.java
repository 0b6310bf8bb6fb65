package dnsplane.authdns.store;

import static dnsplane.authdns.store.ZoneFileParser.EMPTY_MARKER;
import static dnsplane.authdns.store.ZoneFileParser.canonical;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.RelativeNameException;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * ZoneFileReader reads a master file a record at a time (dnsjava's {@link Master}) and checks each
 * record on its own: class IN, owner inside the zone, a type zone data may have, a TTL that fits.
 * It holds one record at a time, never the zone; the rules about the zone as a whole ({@link
 * ZoneFileParser#validateZone}) are checked on the rrsets once grouped, in memory or in SQL.
 *
 * <p>Errors come in the order a whole-file parse gives them: a syntax error anywhere in the file
 * first (it is thrown when reached, and reading goes on past a record that breaks a rule so that a
 * later syntax error still wins), then the first record that breaks a rule (thrown when the last
 * record has been read), then the first bad empty-rrset line.
 */
final class ZoneFileReader {

  private static final Pattern PARSER_LINE = Pattern.compile("^.*?:(\\d+): (.*)$", Pattern.DOTALL);
  private static final Set<Integer> NOT_ZONE_DATA =
      Set.of(
          Type.OPT, Type.TSIG, Type.TKEY, Type.AXFR, Type.IXFR, Type.ANY, Type.MAILA, Type.MAILB);
  private static final byte[] MARKER_BYTES = EMPTY_MARKER.getBytes(StandardCharsets.UTF_8);

  /**
   * The most bytes of one line kept while looking for empty-rrset lines, so that a file without
   * line breaks does not fill the heap. An empty-rrset line is a name (at most 1,004 bytes
   * escaped), a TTL and a type: a longer one is refused.
   */
  static final int MAX_EMPTY_LINE = 1 << 16;

  private ZoneFileReader() {}

  /** One record of the file, as the {@code rrset} table stores it. */
  record Entry(String name, String type, int ttl, String rdata) {}

  /** An empty rrset given on line {@code line} ({@value ZoneFileParser#EMPTY_MARKER}). */
  record Empty(int line, String name, String type, int ttl) {}

  /**
   * The zone apex: {@code origin} when given (it must be absolute), else the owner of the file's
   * first SOA record, read up to there.
   */
  static Name apex(ZoneSource source, Name origin) throws ZoneFileException {
    if (origin != null) {
      if (!origin.isAbsolute()) {
        throw new ZoneFileException(0, "origin " + origin + " is not absolute");
      }
      return origin;
    }
    try (Master master = master(source, null)) {
      Record r;
      while ((r = next(master)) != null) {
        if (r.getType() == Type.SOA) {
          return r.getName();
        }
      }
    }
    throw new ZoneFileException(0, "the zone has no SOA record");
  }

  /** The records of the file, read with {@code origin} (null: none) into zone {@code apex}. */
  static Records records(ZoneSource source, Name origin, Name apex) throws ZoneFileException {
    return new Records(master(source, origin), apex);
  }

  /** The empty rrsets of the file ({@value ZoneFileParser#EMPTY_MARKER} lines). */
  static Empties empties(ZoneSource source, Name apex) throws ZoneFileException {
    try {
      return new Empties(source.open(), apex);
    } catch (IOException e) {
      throw new ZoneFileException(0, "unreadable zone file: " + e.getMessage());
    }
  }

  /** The records of a file, one at a time. */
  static final class Records implements AutoCloseable {

    private final Master master;
    private final Name apex;
    private ZoneFileException broken;

    private Records(Master master, Name apex) {
      this.master = master;
      this.apex = apex;
    }

    /**
     * The next record, or null after the last. A syntax error is thrown when reached; a record that
     * breaks a rule is thrown once the whole file has been read (the first such record).
     */
    Entry next() throws ZoneFileException {
      Record r;
      while ((r = ZoneFileReader.next(master)) != null) {
        if (broken != null) {
          continue;
        }
        broken = check(r, apex);
        if (broken == null) {
          // dnsjava prints some rdata with a trailing blank (a DNSKEY or CDNSKEY with an empty
          // key: "4 5 5 "), which its own parser reads back without; stripping keeps the stored
          // text a fixed point of export and re-import (ZoneFileFuzzTest found it).
          return new Entry(
              canonical(r.getName()),
              Type.string(r.getType()),
              (int) r.getTTL(),
              r.rdataToString().strip());
        }
      }
      if (broken != null) {
        throw broken;
      }
      return null;
    }

    @Override
    public void close() {
      master.close();
    }
  }

  /**
   * The empty-rrset lines of a file, in line order, up to the first bad one: {@link #next} stops
   * there (returning it first when only its TTL is bad, so that an rrset conflict on that line is
   * still the one reported, as before) and {@link #bad} says why.
   */
  static final class Empties implements AutoCloseable {

    private final InputStream in;
    private final Name apex;
    private final byte[] line = new byte[MAX_EMPTY_LINE];
    private final byte[] buffer = new byte[1 << 16];
    private int next;
    private int filled;
    private int lineNumber;
    private ZoneFileException bad;

    private Empties(InputStream in, Name apex) {
      this.in = in;
      this.apex = apex;
    }

    /** The next empty rrset, or null after the last (or after a bad line). */
    Empty next() throws ZoneFileException {
      int length;
      while (bad == null && (length = readLine()) >= 0) {
        lineNumber++;
        if (!mayBeMarker(length)) {
          continue;
        }
        String text = new String(line, 0, Math.min(length, line.length), StandardCharsets.UTF_8);
        // Lines are split at \n only and stripped of blanks, as in a whole-file read.
        String stripped = text.strip();
        if (!stripped.startsWith(EMPTY_MARKER)) {
          continue;
        }
        if (length > line.length) {
          bad = badMarker("longer than " + line.length + " bytes");
          return null;
        }
        Empty empty = parse(stripped);
        if (empty != null) {
          return empty;
        }
      }
      return null;
    }

    /** Why the empty-rrset lines were not all read: the first bad one. */
    Optional<ZoneFileException> bad() {
      return Optional.ofNullable(bad);
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // read-only: nothing lost
      }
    }

    private Empty parse(String stripped) {
      String[] f = stripped.substring(EMPTY_MARKER.length()).trim().split("\\s+");
      String name;
      String type;
      try {
        if (f.length != 3) {
          throw new IllegalArgumentException("expected NAME TTL TYPE");
        }
        Name owner = Name.fromString(f[0], apex);
        int t = Type.value(f[2]);
        if (t < 0 || !owner.subdomain(apex)) {
          throw new IllegalArgumentException("bad type or name outside the zone");
        }
        name = canonical(owner);
        type = Type.string(t);
      } catch (TextParseException | IllegalArgumentException e) {
        bad = badMarker(e.getMessage());
        return null;
      }
      try {
        return new Empty(lineNumber, name, type, Integer.parseInt(f[1]));
      } catch (NumberFormatException e) {
        bad = badMarker(e.getMessage());
        return new Empty(lineNumber, name, type, 0);
      }
    }

    private ZoneFileException badMarker(String why) {
      return new ZoneFileException(lineNumber, "bad empty-rrset marker: " + why);
    }

    /**
     * Reads the next line (up to \n, which is dropped) into {@link #line}, keeping its first bytes
     * only; returns its length (more than the buffer's when it did not fit), or -1 at the end of
     * the file. (A file ending in \n has, for a whole-file split, one more empty line after it: it
     * holds no marker either way.)
     */
    private int readLine() throws ZoneFileException {
      int length = 0;
      try {
        while (true) {
          if (next == filled) {
            filled = in.read(buffer);
            next = 0;
            if (filled < 0) {
              filled = 0;
              return length == 0 ? -1 : length;
            }
          }
          byte b = buffer[next++];
          if (b == '\n') {
            return length;
          }
          if (length < line.length) {
            line[length] = b;
          }
          // Counted up to one past the buffer: enough to know the line is too long, and no
          // overflow on a file of gigabytes without a line break.
          if (length <= line.length) {
            length++;
          }
        }
      } catch (IOException e) {
        throw new ZoneFileException(0, "unreadable zone file: " + e.getMessage());
      }
    }

    /** Whether the line holds the marker's bytes at all (most lines do not: cheap to rule out). */
    private boolean mayBeMarker(int length) {
      int n = Math.min(length, line.length) - MARKER_BYTES.length;
      for (int i = 0; i <= n; i++) {
        if (line[i] == MARKER_BYTES[0]) {
          int j = 1;
          while (j < MARKER_BYTES.length && line[i + j] == MARKER_BYTES[j]) {
            j++;
          }
          if (j == MARKER_BYTES.length) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static Master master(ZoneSource source, Name origin) throws ZoneFileException {
    InputStream in;
    try {
      in = new BufferedInputStream(source.open(), 1 << 16);
    } catch (IOException e) {
      throw new ZoneFileException(0, "unreadable zone file: " + e.getMessage());
    }
    Master master = new Master(in, origin);
    // $INCLUDE would let a zone upload read any file on the server.
    master.disableIncludes();
    return master;
  }

  private static Record next(Master master) throws ZoneFileException {
    try {
      return master.nextRecord();
    } catch (RelativeNameException e) {
      throw new ZoneFileException(
          0, e.getMessage() + " (no $ORIGIN: give the zone name with --origin)");
    } catch (TextParseException e) {
      throw located(e);
    } catch (IOException | RuntimeException e) {
      throw new ZoneFileException(0, "unreadable zone file: " + e.getMessage());
    }
  }

  private static ZoneFileException located(TextParseException e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = PARSER_LINE.matcher(message);
    if (m.matches()) {
      return new ZoneFileException(Integer.parseInt(m.group(1)), m.group(2));
    }
    return new ZoneFileException(0, message);
  }

  /** Why record {@code r} cannot be in zone {@code apex}; null when it can. */
  private static ZoneFileException check(Record r, Name apex) {
    String where = r.getName() + " " + Type.string(r.getType());
    if (r.getDClass() != DClass.IN) {
      return new ZoneFileException(
          0, where + ": class " + DClass.string(r.getDClass()) + " is not supported (only IN)");
    }
    if (!r.getName().subdomain(apex)) {
      return new ZoneFileException(0, where + ": owner is outside the zone " + apex);
    }
    if (NOT_ZONE_DATA.contains(r.getType())) {
      return new ZoneFileException(0, where + ": type cannot appear in a zone");
    }
    if (r.getTTL() > Integer.MAX_VALUE) {
      return new ZoneFileException(0, where + ": TTL " + r.getTTL() + " is too large");
    }
    return null;
  }
}
