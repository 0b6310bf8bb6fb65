package dnsplane.planner.web;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * PlanJson reads plans as plain JSON maps, so that a test sees exactly the fields the API sends
 * (and fails with the body in hand when one is missing) rather than what a Java record would
 * default to.
 */
public final class PlanJson {

  private final Api api;
  private final JsonMapper json;

  public PlanJson(Api api, JsonMapper json) {
    this.api = api;
    this.json = json;
  }

  public Map<String, Object> latest() {
    return plan("/v1/plans/latest");
  }

  public Map<String, Object> plan(String path) {
    Api.Response r = api.get(path);
    if (r.status() != 200) {
      throw new AssertionError("GET " + path + ": " + r.status() + " " + r.body());
    }
    return map(r.body());
  }

  public Map<String, Object> map(String body) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = json.readValue(body, Map.class);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON object: " + body, e);
    }
  }

  public static long generation(Map<String, Object> plan) {
    return ((Number) plan.get("generation")).longValue();
  }

  /** The entry of {@code endpoint}, or null when the plan has none. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> entryOrNull(Map<String, Object> plan, String endpoint) {
    for (Object e : (List<Object>) plan.get("entries")) {
      Map<String, Object> entry = (Map<String, Object>) e;
      if (endpoint.equals(entry.get("endpoint"))) {
        return entry;
      }
    }
    return null;
  }

  public static Map<String, Object> entry(Map<String, Object> plan, String endpoint) {
    Map<String, Object> entry = entryOrNull(plan, endpoint);
    if (entry == null) {
      throw new AssertionError(
          endpoint + " has no entry in plan " + plan.get("generation") + ": " + plan);
    }
    return entry;
  }

  /**
   * The addresses of an entry's {@code field} ("addresses" or "held"); fails naming a missing
   * field.
   */
  @SuppressWarnings("unchecked")
  public static List<String> addressesOf(Map<String, Object> entry, String field) {
    Object list = entry.get(field);
    if (!(list instanceof List)) {
      throw new AssertionError("plan entry has no \"" + field + "\" list: " + entry);
    }
    return ((List<Map<String, Object>>) list).stream().map(a -> (String) a.get("address")).toList();
  }

  public static List<String> published(Map<String, Object> entry) {
    return addressesOf(entry, "addresses");
  }

  public static List<String> held(Map<String, Object> entry) {
    return addressesOf(entry, "held");
  }

  @SuppressWarnings("unchecked")
  public static List<String> failOpenFamilies(Map<String, Object> entry) {
    Object list = entry.get("failOpenFamilies");
    if (!(list instanceof List)) {
      throw new AssertionError("plan entry has no \"failOpenFamilies\" list: " + entry);
    }
    return (List<String>) list;
  }

  /** The value of an unlabelled Prometheus sample, failing when it is missing. */
  public static long metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("metric " + name + " missing from /metrics");
  }
}
