package dnsplane.db.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * ControlChannelGuard decides whether a call may reach the control API. PURE; one set of rules, in
 * one place, guards the planner, the enactors and the resolver.
 *
 * <p>Reads (GET, HEAD, OPTIONS) always pass. A mutating call (any other method) is refused when:
 *
 * <ol>
 *   <li>it carries an {@code Origin} other than the service's own ({@code http://} + its Host),
 *       {@code null} included: 403. A web page must never drive the API, token or not;
 *   <li>a token is configured and {@code Authorization: Bearer <token>} is missing or wrong: 401
 *       (compared in constant time);
 *   <li>no token is configured and the client, or the Host it asked for, is not loopback: 403 (the
 *       Host check stops DNS rebinding: a page whose name resolves to 127.0.0.1);
 *   <li>no token is configured and the {@code Content-Type} is not {@code application/json}: 415.
 *       Browsers send only form and text types without asking first (CORS preflight), which this
 *       service never grants. With a valid token any content type passes.
 * </ol>
 */
public final class ControlChannelGuard {

  /** Why a call was refused: the HTTP status and an error naming the problem. */
  public record Refusal(int status, String error) {}

  /** The parts of a request the rules look at; any header may be null (absent). */
  public record Call(
      String method,
      String host,
      String origin,
      String contentType,
      String authorization,
      InetAddress client) {}

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private final byte[] expected;

  /** {@code token} null or blank: no token configured. */
  public ControlChannelGuard(String token) {
    this.expected =
        token == null || token.isBlank()
            ? null
            : ("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8);
  }

  public boolean tokenConfigured() {
    return expected != null;
  }

  /** Null when the call may proceed, else why not. */
  public Refusal check(Call call) {
    if (READS.contains(call.method().toUpperCase(Locale.ROOT))) {
      return null;
    }
    if (call.origin() != null && !call.origin().equalsIgnoreCase("http://" + call.host())) {
      return new Refusal(
          403,
          "Origin "
              + call.origin()
              + " is not this service's own"
              + " (http://"
              + call.host()
              + "): cross-site requests may not change anything");
    }
    if (expected != null) {
      String given = call.authorization();
      if (given != null
          && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        return null;
      }
      return new Refusal(401, given == null ? "missing bearer token" : "wrong bearer token");
    }
    if (call.client() == null || !call.client().isLoopbackAddress()) {
      return new Refusal(
          403,
          "without DNSPLANE_API_TOKEN, mutating calls are accepted from"
              + " loopback clients only, not from "
              + call.client());
    }
    if (!isLoopbackHost(call.host())) {
      return new Refusal(
          403,
          "without DNSPLANE_API_TOKEN, mutating calls must address the service"
              + " by a loopback name (127.0.0.1, [::1], localhost), not "
              + call.host());
    }
    if (!isJson(call.contentType())) {
      return new Refusal(
          415,
          "mutating calls need Content-Type: application/json (or a bearer"
              + " token), got "
              + (call.contentType() == null ? "none" : call.contentType()));
    }
    return null;
  }

  /**
   * Refuses to serve the control API on a non-loopback address without a token.
   *
   * @throws IllegalArgumentException naming the address and the remedy
   */
  public static void requireSafeListen(InetSocketAddress bind, String token) {
    if ((token == null || token.isBlank()) && !isLoopbackBind(bind)) {
      throw new IllegalArgumentException(
          "refusing to listen on "
              + bind.getHostString()
              + ":"
              + bind.getPort()
              + " without DNSPLANE_API_TOKEN: mutating calls would be open to the"
              + " network; set a token or listen on loopback");
    }
  }

  /** A literal is read without a lookup; a host name goes through the local resolver. */
  static boolean isLoopbackBind(InetSocketAddress bind) {
    if (bind.getAddress() != null) {
      return bind.getAddress().isLoopbackAddress();
    }
    String host = bind.getHostString().replace("[", "").replace("]", "");
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host;
    if (name.startsWith("[")) {
      int close = name.indexOf(']');
      name = close < 0 ? name : name.substring(1, close);
    } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    name = name.toLowerCase(Locale.ROOT);
    if (name.equals("localhost") || name.equals("::1")) {
      return true;
    }
    return name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
