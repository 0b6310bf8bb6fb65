package dnsplane.planner.endpoint;

/**
 * FailOpenScope is how far an endpoint's fail-open reaches ({@code endpoint.fail_open_scope}, the
 * API's {@code "failOpen"}).
 *
 * <ul>
 *   <li>{@link #FAMILY} (the default): a family whose targets are all unhealthy is published whole,
 *       whatever the other family does. An endpoint never loses a family to health.
 *   <li>{@link #ENDPOINT}: the naive pre-fix rule, for reproducing the pre-fix behaviour only
 *       ({@code deploy/outage-demo family}): fail open only when every target of the endpoint is
 *       unhealthy, so a family can be emptied (NODATA for its clients) while the other still has
 *       healthy targets.
 * </ul>
 */
public enum FailOpenScope {
  FAMILY("family"),
  ENDPOINT("endpoint");

  private final String value;

  FailOpenScope(String value) {
    this.value = value;
  }

  /** The JSON and column spelling: {@code "family"} or {@code "endpoint"}. */
  public String value() {
    return value;
  }

  /**
   * The scope a request names: {@code null} (not said) is the default, {@link #FAMILY}; exactly the
   * strings {@code "family"} and {@code "endpoint"} are accepted, anything else (another spelling,
   * a boolean, a number, an array, an object) is refused naming the field.
   */
  public static FailOpenScope parse(Object json) {
    if (json == null) {
      return FAMILY;
    }
    if (json instanceof String text) {
      for (FailOpenScope s : values()) {
        if (s.value.equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "failOpen must be \"family\" (the default) or \"endpoint\" (the pre-fix rule), got \""
              + text
              + "\"");
    }
    throw new IllegalArgumentException(
        "failOpen must be the string \"family\" (the default) or \"endpoint\" (the pre-fix rule),"
            + " got "
            + json);
  }
}
