package dnsplane.db.changelog;

import java.util.List;
import java.util.Objects;

/**
 * ChangeLogRow is one row of the {@code change_log} table as read: {@code op} is set, delete,
 * zone_created or zone_deleted; {@code ttl} and {@code rdata} are null unless op is set.
 */
public record ChangeLogRow(
    long seq,
    String zone,
    String op,
    String name,
    String type,
    Integer ttl,
    List<String> rdata,
    long serial) {

  public ChangeLogRow {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    rdata = rdata == null ? null : List.copyOf(rdata);
  }
}
