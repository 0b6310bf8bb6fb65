package dnsplane.authdns.store;

import java.util.Collection;

/**
 * Json writes the few JSON strings authdns needs (bulk SQL parameters, the health body) without a
 * JSON library on the classpath.
 */
public final class Json {

  private Json() {}

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The rrsets as a JSON array of {name, type, ttl, rdata} objects for jsonb_to_recordset. */
  static String rrsets(Collection<RrsetData> rrsets) {
    StringBuilder b = new StringBuilder(rrsets.size() * 64).append('[');
    boolean first = true;
    for (RrsetData r : rrsets) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append("{\"name\":")
          .append(quote(r.name()))
          .append(",\"type\":")
          .append(quote(r.type()))
          .append(",\"ttl\":")
          .append(r.ttl())
          .append(",\"rdata\":[");
      for (int i = 0; i < r.rdata().size(); i++) {
        b.append(i == 0 ? "" : ",").append(quote(r.rdata().get(i)));
      }
      b.append("]}");
    }
    return b.append(']').toString();
  }
}
