package dnsplane.planner.web;

/** Bulk builds bodies for {@code PUT /v1/endpoints} in tests. */
final class Bulk {

  private Bulk() {}

  /** One element: a name plus the body a single PUT would take. */
  static String item(String name, int ttl, String... targets) {
    String single = PlannerApiTest.body(ttl, targets);
    return "{\"name\":\"" + name + "\"," + single.substring(1);
  }

  static String body(String... items) {
    return "{\"endpoints\":[" + String.join(",", items) + "]}";
  }

  /** {@code n} endpoints {@code prefix-i.aws.test.}, each with three IPv4 targets. */
  static String many(String prefix, int n) {
    StringBuilder b = new StringBuilder("{\"endpoints\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append(
              item(
                  prefix + "-" + i + ".aws.test",
                  60,
                  "10." + (i >> 8 & 255) + "." + (i & 255) + ".1",
                  "10." + (i >> 8 & 255) + "." + (i & 255) + ".2",
                  "10." + (i >> 8 & 255) + "." + (i & 255) + ".3"));
    }
    return b.append("]}").toString();
  }
}
