package dnsplane.db.plan;

import dnsplane.db.Json;
import java.util.List;

/**
 * PlanAddressRow is one element of {@code plan_entry.addresses} (or {@code held}): {@code
 * {"address":"192.0.2.10","weight":100,"az":"az-a"}}.
 *
 * <p>An element that has no "address" string is read back with its whole JSON text as {@code
 * address}, which no address parser accepts: a reader that validates (the safe enactor) then
 * rejects the entry, instead of silently skipping the element and publishing fewer addresses.
 */
public record PlanAddressRow(String address, int weight, String az) {

  /** The element's JSON text, as {@code plan_entry} stores it. */
  public String toJson() {
    StringBuilder b = new StringBuilder(64);
    appendJson(b);
    return b.toString();
  }

  /** Appends {@link #toJson()} to {@code b}. */
  public void appendJson(StringBuilder b) {
    b.append("{\"address\":");
    Json.quote(b, address);
    b.append(",\"weight\":").append(weight).append(",\"az\":");
    if (az == null) {
      b.append("null");
    } else {
      Json.quote(b, az);
    }
    b.append('}');
  }

  /** {@code addresses} as the JSON array {@code plan_entry.addresses} (or {@code held}) holds. */
  public static String toJsonArray(List<PlanAddressRow> addresses) {
    StringBuilder b = new StringBuilder(2 + 64 * addresses.size());
    appendJsonArray(b, addresses);
    return b.toString();
  }

  /** Appends {@link #toJsonArray} of {@code addresses} to {@code b}. */
  public static void appendJsonArray(StringBuilder b, List<PlanAddressRow> addresses) {
    b.append('[');
    for (int i = 0; i < addresses.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      addresses.get(i).appendJson(b);
    }
    b.append(']');
  }
}
