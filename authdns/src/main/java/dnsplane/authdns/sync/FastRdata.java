package dnsplane.authdns.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * FastRdata builds the records of the rdata the control plane writes most (an address, a plan's TXT
 * marker, a target name, MX and SRV) without dnsjava's master-file tokenizer: the general parser
 * sets up a tokenizer for every record, which costs many times the record itself, and a change log
 * that carries these types spent about a quarter of its apply time there.
 *
 * <p>It only takes text whose tokens are plain (no quoting beyond one simple quoted string, no
 * escapes, comments, parentheses or odd spacing), and for that text it makes the record {@link
 * Record#fromString} makes. Anything else is null: parse it the general way, which also gives the
 * error message. FastRdataTest holds the two to that on random and edge inputs. Pure.
 */
final class FastRdata {
  private static final int MAX_STRING = 255;

  private FastRdata() {}

  /** The record of {@code text} when it is plain, else null (use the general parser). */
  static Record parse(Name name, int type, long ttl, String text, Name origin) {
    if (text.isEmpty()) {
      return null;
    }
    return switch (type) {
      case Type.A -> a(name, ttl, text);
      case Type.AAAA -> aaaa(name, ttl, text);
      case Type.TXT -> txt(name, ttl, text);
      case Type.CNAME, Type.NS, Type.PTR -> target(name, type, ttl, text, origin);
      case Type.MX -> mx(name, ttl, text, origin);
      case Type.SRV -> srv(name, ttl, text, origin);
      default -> null;
    };
  }

  /**
   * A dotted quad, read by the {@link Address} the tokenizer's path uses (which takes digits and
   * dots only, so it needs no check of its own: at a million rrsets a per-character set lookup here
   * cost five times the parse).
   */
  private static Record a(Name name, long ttl, String text) {
    if (text.length() > 15) {
      return null;
    }
    byte[] address = Address.toByteArray(text, Address.IPv4);
    // From the four octets: through an InetAddress it made two objects more per record, and
    // copied the octets again.
    return address == null ? null : new ARecord(name, DClass.IN, ttl, address);
  }

  /** An IPv6 address (a dotted-quad tail included), read by the same {@link Address}. */
  private static Record aaaa(Name name, long ttl, String text) {
    if (text.length() > 45 || !hexColonsAndDots(text)) {
      return null;
    }
    byte[] address = Address.toByteArray(text, Address.IPv6);
    // getByAddress makes an IPv4-mapped address an Inet4Address; AAAARecord stores it as the
    // sixteen bytes it was given, as the tokenizer's path does.
    return address == null ? null : new AAAARecord(name, DClass.IN, ttl, inet(address));
  }

  /** One string: a plain token, or one quoted string without escapes. */
  private static Record txt(Name name, long ttl, String text) {
    String s;
    if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"') {
      s = text.substring(1, text.length() - 1);
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
          return null;
        }
      }
    } else if (plainToken(text)) {
      s = text;
    } else {
      return null;
    }
    return s.length() > MAX_STRING ? null : new TXTRecord(name, DClass.IN, ttl, s);
  }

  private static Record target(Name name, int type, long ttl, String text, Name origin) {
    Name target = name(text, origin);
    if (target == null) {
      return null;
    }
    return switch (type) {
      case Type.CNAME -> new CNAMERecord(name, DClass.IN, ttl, target);
      case Type.NS -> new NSRecord(name, DClass.IN, ttl, target);
      default -> new PTRRecord(name, DClass.IN, ttl, target);
    };
  }

  private static Record mx(Name name, long ttl, String text, Name origin) {
    String[] t = tokens(text, 2);
    if (t == null) {
      return null;
    }
    int priority = uint16(t[0]);
    Name target = name(t[1], origin);
    return priority < 0 || target == null
        ? null
        : new MXRecord(name, DClass.IN, ttl, priority, target);
  }

  private static Record srv(Name name, long ttl, String text, Name origin) {
    String[] t = tokens(text, 4);
    if (t == null) {
      return null;
    }
    int priority = uint16(t[0]);
    int weight = uint16(t[1]);
    int port = uint16(t[2]);
    Name target = name(t[3], origin);
    return priority < 0 || weight < 0 || port < 0 || target == null
        ? null
        : new SRVRecord(name, DClass.IN, ttl, priority, weight, port, target);
  }

  /** Exactly {@code n} tokens separated by single spaces, else null. */
  private static String[] tokens(String text, int n) {
    String[] out = new String[n];
    int start = 0;
    for (int i = 0; i < n; i++) {
      int end = i == n - 1 ? text.length() : text.indexOf(' ', start);
      if (end <= start) {
        return null;
      }
      out[i] = text.substring(start, end);
      start = end + 1;
    }
    for (String t : out) {
      if (t.indexOf(' ') >= 0) {
        return null;
      }
    }
    return out;
  }

  /** A decimal 0..65535 of at most five digits, else -1. */
  private static int uint16(String t) {
    if (t.isEmpty() || t.length() > 5 || !digits(t)) {
      return -1;
    }
    int v = Integer.parseInt(t);
    return v > 0xFFFF ? -1 : v;
  }

  /** A name of letters, digits, '-', '_', '*' and dots, relative to {@code origin}, else null. */
  private static Name name(String text, Name origin) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      boolean ok =
          (ch >= 'a' && ch <= 'z')
              || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9')
              || ch == '-'
              || ch == '_'
              || ch == '*'
              || ch == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      Name n = Name.fromString(text, origin);
      return n.isAbsolute() ? n : null;
    } catch (TextParseException e) {
      return null; // the general parser words the error
    }
  }

  /** A token the tokenizer reads as it is: printable ASCII, none of its delimiters or escapes. */
  private static boolean plainToken(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch <= 0x20 || ch > 0x7e || "\"();\\".indexOf(ch) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }

  /** What an IPv6 address is spelled with: hex digits, colons and a dotted-quad tail's dots. */
  private static boolean hexColonsAndDots(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok =
          (ch >= '0' && ch <= '9')
              || (ch >= 'a' && ch <= 'f')
              || (ch >= 'A' && ch <= 'F')
              || ch == ':'
              || ch == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress inet(byte[] address) {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }
}
