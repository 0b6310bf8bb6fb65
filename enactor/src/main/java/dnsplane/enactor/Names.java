package dnsplane.enactor;

import java.util.Locale;

/** Names canonicalises endpoint names as the schema stores them: absolute and lower-case. */
public final class Names {

  private Names() {}

  /** "DynamoDB.us-east-1.aws.test" becomes "dynamodb.us-east-1.aws.test."; bad names are refused. */
  public static String endpoint(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("endpoint name is missing");
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (!n.endsWith(".")) {
      n = n + ".";
    }
    if (n.length() > 255 || !n.matches("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+")) {
      throw new IllegalArgumentException("\"" + name + "\" is not a valid endpoint name");
    }
    return n;
  }
}
