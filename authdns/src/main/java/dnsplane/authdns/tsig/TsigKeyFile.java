package dnsplane.authdns.tsig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * TsigKeyFile reads TSIG keys from a file in the {@code key} statement syntax of BIND and of {@code
 * tsig-keygen}, which NSD's documentation and every DNS operator knows:
 *
 * <pre>
 * # comments start with # or //
 * key "xfr-key" {
 *     algorithm hmac-sha256;
 *     secret "kF0x...base64...=";
 * };
 * </pre>
 *
 * and from the environment's inline form {@code ALG:NAME:SECRET[,ALG:NAME:SECRET...]} (the order of
 * dig's {@code -y}). Errors name the file and line (or the entry), never the secret.
 */
public final class TsigKeyFile {

  private TsigKeyFile() {}

  /** A key file or inline key list that cannot be used; the message says where and why. */
  public static final class TsigConfigException extends Exception {
    public TsigConfigException(String message) {
      super(message);
    }
  }

  /**
   * Reads the keys in {@code file}. A file that group or others may read is refused: the secrets
   * let anyone who reads them transfer every zone (and sign NOTIFYs).
   */
  public static List<TsigKey> read(Path file) throws TsigConfigException {
    String text;
    try {
      checkPermissions(file);
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TsigConfigException("TSIG key file " + file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  private static void checkPermissions(Path file) throws IOException, TsigConfigException {
    Set<PosixFilePermission> p;
    try {
      p = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    }
    if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
      throw new TsigConfigException(
          "TSIG key file " + file + ": readable by group or others; chmod 600 " + file);
    }
  }

  /** Parses key statements from {@code text}; {@code where} names it in errors. */
  public static List<TsigKey> parse(String text, String where) throws TsigConfigException {
    Tokens t = new Tokens(text, where);
    Map<Name, TsigKey> keys = new LinkedHashMap<>();
    while (t.peek() != null) {
      int line = t.line();
      t.expectWord("key");
      String nameText = t.next("a key name");
      Name name = keyName(nameText, t.where(line));
      t.expect("{");
      String alg = null;
      String secret = null;
      int secretLine = line;
      while (!"}".equals(t.peek())) {
        int at = t.line();
        String field = t.next("algorithm, secret or }");
        switch (field.toLowerCase(Locale.ROOT)) {
          case "algorithm" -> {
            alg = t.next("an algorithm name");
            algorithm(name, alg, t.where(at));
          }
          case "secret" -> {
            secret = t.next("a base64 secret");
            secretLine = at;
          }
          default ->
              throw new TsigConfigException(
                  t.where(at) + ": unknown field '" + field + "' in key " + nameText);
        }
        t.expect(";");
      }
      t.expect("}");
      t.expect(";");
      if (alg == null) {
        throw new TsigConfigException(t.where(line) + ": key " + nameText + " has no algorithm");
      }
      if (secret == null) {
        throw new TsigConfigException(t.where(line) + ": key " + nameText + " has no secret");
      }
      TsigKey k = key(name, alg, secret, t.where(secretLine));
      if (keys.put(name, k) != null) {
        throw new TsigConfigException(t.where(line) + ": key " + nameText + " defined twice");
      }
    }
    return List.copyOf(keys.values());
  }

  /**
   * Parses {@code ALG:NAME:SECRET[,...]} from the environment variable {@code variable}. Base64 has
   * no ':' or ',', so neither needs quoting.
   */
  public static List<TsigKey> parseInline(String text, String variable) throws TsigConfigException {
    List<TsigKey> out = new ArrayList<>();
    int n = 0;
    for (String entry : text.split(",")) {
      n++;
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      String[] parts = e.split(":", -1);
      String where = variable + " entry " + n;
      if (parts.length != 3) {
        throw new TsigConfigException(where + ": expected ALGORITHM:NAME:SECRET");
      }
      out.add(key(keyName(parts[1], where), parts[0], parts[2], where));
    }
    return out;
  }

  private static Name keyName(String text, String where) throws TsigConfigException {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new TsigConfigException(where + ": bad key name '" + text + "'");
    }
  }

  private static TsigKey key(Name name, String alg, String secret, String where)
      throws TsigConfigException {
    Name algorithm = algorithm(name, alg, where);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.trim());
    } catch (IllegalArgumentException e) {
      throw new TsigConfigException(where + ": key " + name + ": secret is not base64");
    }
    if (bytes.length == 0) {
      throw new TsigConfigException(where + ": key " + name + ": empty secret");
    }
    return new TsigKey(name, algorithm, bytes);
  }

  private static Name algorithm(Name name, String alg, String where) throws TsigConfigException {
    Name algorithm = TsigKey.ALGORITHMS.get(alg.toLowerCase(Locale.ROOT));
    if (algorithm == null) {
      throw new TsigConfigException(
          where
              + ": key "
              + name
              + ": unsupported algorithm '"
              + alg
              + "' (use one of "
              + String.join(", ", new java.util.TreeSet<>(TsigKey.ALGORITHMS.keySet()))
              + ")");
    }
    return algorithm;
  }

  /** Words, quoted strings and the punctuation { } ;, with line numbers; skips comments. */
  private static final class Tokens {
    private final String s;
    private final String file;
    private int pos;
    private int line = 1;
    private String peeked;
    private int peekedLine;

    Tokens(String s, String file) {
      this.s = s;
      this.file = file;
    }

    String where(int atLine) {
      return file + ":" + atLine;
    }

    int line() throws TsigConfigException {
      peek();
      return peekedLine;
    }

    String peek() throws TsigConfigException {
      if (peeked == null) {
        peeked = read();
      }
      return peeked;
    }

    String next(String what) throws TsigConfigException {
      String p = peek();
      if (p == null) {
        throw new TsigConfigException(where(line) + ": expected " + what + ", found end of file");
      }
      peeked = null;
      return p;
    }

    void expect(String token) throws TsigConfigException {
      int at = line();
      String got = next("'" + token + "'");
      if (!got.equals(token)) {
        throw new TsigConfigException(
            where(at) + ": expected '" + token + "', found '" + got + "'");
      }
    }

    void expectWord(String word) throws TsigConfigException {
      int at = line();
      String got = next("'" + word + "'");
      if (!got.equalsIgnoreCase(word)) {
        throw new TsigConfigException(where(at) + ": expected '" + word + "', found '" + got + "'");
      }
    }

    private String read() throws TsigConfigException {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\n') {
          line++;
          pos++;
        } else if (Character.isWhitespace(c)) {
          pos++;
        } else if (c == '#' || (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '/')) {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          break;
        }
      }
      peekedLine = line;
      if (pos >= s.length()) {
        return null;
      }
      char c = s.charAt(pos);
      if (c == '{' || c == '}' || c == ';') {
        pos++;
        return String.valueOf(c);
      }
      if (c == '"') {
        int end = s.indexOf('"', pos + 1);
        int nl = s.indexOf('\n', pos + 1);
        if (end < 0 || (nl >= 0 && nl < end)) {
          throw new TsigConfigException(where(line) + ": unterminated string");
        }
        String v = s.substring(pos + 1, end);
        pos = end + 1;
        return v;
      }
      int start = pos;
      while (pos < s.length()) {
        char d = s.charAt(pos);
        if (Character.isWhitespace(d) || d == '{' || d == '}' || d == ';' || d == '"') {
          break;
        }
        pos++;
      }
      return s.substring(start, pos);
    }
  }
}
