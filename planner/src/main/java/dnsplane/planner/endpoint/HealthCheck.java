package dnsplane.planner.endpoint;

import java.util.Objects;

/**
 * HealthCheck says where a target's health comes from: {@link Kind#REPORT} (the API, no address),
 * or an active {@link Kind#TCP} connect to {@code host:port} / {@link Kind#HTTP} GET of a URL. It
 * maps one-to-one onto the {@code target.health_source} and {@code check_address} columns.
 */
public record HealthCheck(Kind kind, String address) {

  /** The health sources the schema knows. */
  public enum Kind {
    REPORT("report"),
    TCP("tcp"),
    HTTP("http");

    private final String column;

    Kind(String column) {
      this.column = column;
    }

    /** The value stored in {@code target.health_source}. */
    public String column() {
      return column;
    }

    public static Kind fromColumn(String value) {
      for (Kind k : values()) {
        if (k.column.equals(value)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown health source " + value);
    }
  }

  public static final HealthCheck REPORTED = new HealthCheck(Kind.REPORT, null);

  public HealthCheck {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.REPORT) != (address == null)) {
      throw new IllegalArgumentException("a check address is needed exactly for active checks");
    }
  }

  public boolean active() {
    return kind != Kind.REPORT;
  }
}
