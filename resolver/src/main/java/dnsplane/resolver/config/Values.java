package dnsplane.resolver.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Values parses the scalar forms used in configuration: durations, sizes, host:port and lists. */
public final class Values {
  private Values() {}

  /** "30s", "5m", "2h", "1d", "250ms" or a bare number of seconds. */
  public static Duration duration(String key, Object v) {
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.replaceAll("[smhd]$", ""));
      return switch (s.charAt(s.length() - 1)) {
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + ": not a duration: '" + v + "' (use e.g. 30s, 5m, 1d, 250ms)");
    }
  }

  /** A byte size: "64m", "1g", "512k" or a bare number of bytes. */
  public static long size(String key, Object v) {
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    try {
      long mult =
          switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
          };
      String digits = mult == 1 ? s : s.substring(0, s.length() - 1);
      return Long.parseLong(digits) * mult;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + ": not a size: '" + v + "' (use e.g. 64m)");
    }
  }

  public static long number(String key, Object v) {
    try {
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: '" + v + "'");
    }
  }

  /** "on"/"off"/"true"/"false". */
  public static boolean onOff(String key, Object v) {
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new IllegalArgumentException(key + ": expected on or off, got '" + v + "'");
    };
  }

  /**
   * HOST:PORT, [V6]:PORT, or HOST alone with {@code defaultPort}. Literal addresses only: no DNS
   * lookups here.
   */
  public static InetSocketAddress hostPort(String key, Object v, int defaultPort) {
    String s = String.valueOf(v).trim();
    String host = s;
    int port = defaultPort;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      host = s.substring(1, close);
      if (s.length() > close + 1) {
        port = parsePort(key, s.substring(close + 2));
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = parsePort(key, s.substring(s.indexOf(':') + 1));
    }
    if (!host.matches("[0-9a-fA-F.:]+")) {
      throw new IllegalArgumentException(key + ": expected an IP address, got '" + host + "'");
    }
    try {
      return new InetSocketAddress(java.net.InetAddress.getByName(host), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(key + ": bad address '" + host + "'");
    }
  }

  private static int parsePort(String key, String p) {
    int port = (int) number(key, p);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": port out of range: " + port);
    }
    return port;
  }

  /** A YAML list, or a comma-separated string. */
  public static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.addAll(list(o));
      }
    } else if (v != null) {
      for (String s : String.valueOf(v).split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }
}
