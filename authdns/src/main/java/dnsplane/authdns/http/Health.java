package dnsplane.authdns.http;

import dnsplane.authdns.store.Json;
import dnsplane.authdns.sync.SyncStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Health is the verdict of {@code GET /health}, decided purely from the follower's status:
 *
 * <pre>
 *   first load done | database reachable | status    | HTTP
 *   ----------------+--------------------+-----------+-----
 *   no              | any                | STARTING  | 503   nothing to serve yet
 *   yes             | yes                | UP        | 200
 *   yes             | no                 | DEGRADED  | 200   DNS is still answered, from a stale snapshot
 * </pre>
 */
public record Health(int httpStatus, String status, String json) {

  public static Health of(SyncStatus s, int zones, Instant now) {
    String status;
    int code;
    if (!s.loaded()) {
      status = "STARTING";
      code = 503;
    } else if (s.dbConnected()) {
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
            + ",\"dbConnected\":"
            + s.dbConnected()
            + ",\"changelogLag\":"
            + s.lag()
            + ",\"lastSync\":"
            + (s.lastSync() == null ? "null" : Json.quote(s.lastSync().toString()))
            + "}";
    return new Health(code, status, json);
  }
}
