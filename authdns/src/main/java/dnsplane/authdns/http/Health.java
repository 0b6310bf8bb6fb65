package dnsplane.authdns.http;

import dnsplane.authdns.sync.Rejection;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.db.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Health is the verdict of {@code GET /health}, decided purely from the follower's status:
 *
 * <pre>
 *   first load done | database reachable | rejected rrsets | status    | HTTP
 *   ----------------+--------------------+-----------------+-----------+-----
 *   no              | any                | any             | STARTING  | 503   nothing to serve yet
 *   yes             | yes                | none            | UP        | 200
 *   yes             | no                 | any             | DEGRADED  | 200   DNS is still answered, from a stale snapshot
 *   yes             | any                | some            | DEGRADED  | 200   those rrsets are served as before their bad change
 *   restored from disk, not yet confirmed by the database    | DEGRADED  | 200   the persisted copy, snapshotAgeMs old
 * </pre>
 *
 * <p>{@code rejected} lists (up to {@value #LISTED}) the rrsets whose latest change could not be
 * applied in full, {@code rejectedRrsets} counts them all.
 */
public record Health(int httpStatus, String status, String json) {

  /** At most this many rejected rrsets are listed: the body stays small whatever happened. */
  static final int LISTED = 20;

  public static Health of(SyncStatus s, int zones, Instant now) {
    String status;
    int code;
    if (!s.loaded()) {
      status = "STARTING";
      code = 503;
    } else if (s.dbConnected() && s.rejected().isEmpty() && !s.restored()) {
      status = "UP";
      code = 200;
    } else {
      status = "DEGRADED";
      code = 200;
    }
    Duration age = s.snapshotAge(now);
    String json =
        "{\"status\":"
            + Json.quote(status)
            + ",\"zones\":"
            + zones
            + ",\"appliedSeq\":"
            + s.appliedSeq()
            + ",\"snapshotAgeMs\":"
            + (age == null ? "null" : String.valueOf(age.toMillis()))
            + ",\"restoredFromDisk\":"
            + s.restored()
            + ",\"dbConnected\":"
            + s.dbConnected()
            + ",\"changelogLag\":"
            + s.lag()
            + ",\"lastSync\":"
            + (s.lastSync() == null ? "null" : Json.quote(s.lastSync().toString()))
            + ",\"rejectedRrsets\":"
            + s.rejected().size()
            + ",\"rejected\":"
            + rejected(s.rejected())
            + "}";
    return new Health(code, status, json);
  }

  private static String rejected(List<Rejection> rejected) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < Math.min(LISTED, rejected.size()); i++) {
      Rejection r = rejected.get(i);
      b.append(i == 0 ? "" : ",")
          .append("{\"rrset\":")
          .append(Json.quote(r.rrset()))
          .append(",\"zone\":")
          .append(Json.quote(r.zone()))
          .append(",\"seq\":")
          .append(r.seq())
          .append(",\"reason\":")
          .append(Json.quote(r.reason()))
          .append('}');
    }
    return b.append(']').toString();
  }
}
