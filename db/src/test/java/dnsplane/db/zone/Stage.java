package dnsplane.db.zone;

import dnsplane.db.changelog.ChangeLogLock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** Replaces a zone's rrsets through {@link StagedZone}, as the zone importer does, in tests. */
final class Stage {

  private Stage() {}

  /**
   * Makes zone {@code zoneId} hold exactly {@code rows} (plan-managed rrsets apart), in one
   * transaction on {@code c}: each record staged on its own, the empty rrsets as empty lines.
   */
  static StagedZone.Diff replace(Connection c, long zoneId, Collection<RrsetRow> rows)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      StagedZone staged = StagedZone.create(c);
      try (StagedZone.Records copy = staged.copy()) {
        for (RrsetRow r : rows) {
          for (String rdata : r.rdata()) {
            copy.add(r.name(), r.type(), r.ttl(), rdata);
          }
        }
        copy.finish();
      }
      int line = 0;
      for (RrsetRow r : rows) {
        if (r.rdata().isEmpty()) {
          staged.addEmpty(++line, r.name(), r.type(), r.ttl());
        }
      }
      if (staged.group().isPresent()) {
        throw new IllegalArgumentException("an empty rrset also has records: " + rows);
      }
      ChangeLogLock.take(c);
      StagedZone.Diff diff = staged.diff(zoneId);
      staged.write(zoneId);
      c.commit();
      return diff;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  static StagedZone.Diff replace(Connection c, long zoneId, RrsetRow... rows) throws SQLException {
    return replace(c, zoneId, List.of(rows));
  }
}
