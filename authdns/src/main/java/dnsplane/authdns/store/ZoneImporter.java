package dnsplane.authdns.store;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.changelog.ChangeLogLock;
import dnsplane.db.zone.StagedZone;
import dnsplane.db.zone.ZoneReader;
import dnsplane.db.zone.ZoneWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.xbill.DNS.Name;

/**
 * ZoneImporter replaces a zone in PostgreSQL with the content of a master file, atomically: one
 * transaction, holding the change-log lock so no other writer interleaves, writing only the rrsets
 * that differ. A file that does not parse or validate changes nothing.
 *
 * <p>The file is streamed, never held: {@link ZoneFileReader} reads it a record at a time into a
 * {@link StagedZone} (temporary tables of the import's transaction), where the records are grouped
 * into rrsets (those of one rrset may be anywhere in the file), the zone-wide rules are checked and
 * the rrsets compared with the stored ones, all in SQL. The heap an import needs does not grow with
 * the file. The change-log lock is taken only once the file has been read and validated, so
 * enactors are held off for the comparison and the writes, not for the parse.
 *
 * <p>Plan-managed rrsets are not the file's to change: an import never inserts, updates or deletes
 * a row holding a plan generation, nor the A, AAAA or {@code _plan} TXT rrset of an endpoint (see
 * {@link ZoneReader#managed}). Re-importing an old export therefore cannot roll an endpoint back,
 * and cannot delete a row's generation so that a delayed stale write comes back as a plain INSERT.
 * The rrsets it left alone are reported ({@link ImportResult#leftAlone}).
 */
public final class ZoneImporter {

  private ZoneImporter() {}

  /**
   * Imports the master file {@code file} (UTF-8; origin may be null, see {@link
   * ZoneFileParser#parse}). An IOException is a file that cannot be read or is not UTF-8.
   */
  public static ImportResult importFile(DbSettings db, Path file, Name origin)
      throws ZoneFileException, SQLException, IOException {
    try (ZoneSource source = ZoneSource.of(file)) {
      Name apex = ZoneFileReader.apex(source, origin);
      try (Connection c = DbBootstrap.connect(db)) {
        return importSource(c, source, origin, apex);
      }
    }
  }

  /** Imports {@code masterText} (origin may be null, see {@link ZoneFileParser#parse}). */
  public static ImportResult importText(DbSettings db, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ZoneSource source = ZoneSource.of(masterText);
    Name apex = ZoneFileReader.apex(source, origin);
    try (Connection c = DbBootstrap.connect(db)) {
      return importSource(c, source, origin, apex);
    }
  }

  /** As {@link #importText(DbSettings, String, Name)}, on a connection from {@code ds}. */
  public static ImportResult importText(DataSource ds, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ZoneSource source = ZoneSource.of(masterText);
    Name apex = ZoneFileReader.apex(source, origin);
    try (Connection c = ds.getConnection()) {
      return importSource(c, source, origin, apex);
    }
  }

  /**
   * Imports {@code source} into zone {@code apex} in one transaction on {@code c}. A {@link
   * ZoneFileException} is a file that breaks a rule, or that conflicts with the plan-managed rrsets
   * it must leave alone; nothing is written then.
   */
  private static ImportResult importSource(Connection c, ZoneSource source, Name origin, Name apex)
      throws SQLException, ZoneFileException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      ImportResult result = write(c, stage(c, source, origin, apex), apex);
      c.commit();
      return result;
    } catch (SQLException | ZoneFileException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** Reads the file into a staged zone and checks it: records, empty rrsets, zone-wide rules. */
  private static StagedZone stage(Connection c, ZoneSource source, Name origin, Name apex)
      throws SQLException, ZoneFileException {
    StagedZone staged = StagedZone.create(c);
    try (StagedZone.Records copy = staged.copy();
        ZoneFileReader.Records records = ZoneFileReader.records(source, origin, apex)) {
      ZoneFileReader.Entry r;
      while ((r = records.next()) != null) {
        copy.add(r.name(), r.type(), r.ttl(), r.rdata());
      }
      copy.finish();
    }
    Optional<ZoneFileException> bad;
    try (ZoneFileReader.Empties empties = ZoneFileReader.empties(source, apex)) {
      ZoneFileReader.Empty e;
      while ((e = empties.next()) != null) {
        staged.addEmpty(e.line(), e.name(), e.type(), e.ttl());
      }
      bad = empties.bad();
    }
    OptionalInt conflict = staged.group();
    ZoneFileParser.checkEmpties(conflict, bad);
    ZoneFileParser.validateZone(ZoneFileParser.canonical(apex), new Staged(staged));
    return staged;
  }

  private static ImportResult write(Connection c, StagedZone staged, Name apex)
      throws SQLException, ZoneFileException {
    // Every rrset writer takes this lock first (schema), so the import sees and replaces a zone
    // no enactor is writing at the same moment.
    ChangeLogLock.take(c);
    String name = ZoneFileParser.canonical(apex);
    OptionalLong existing = ZoneReader.lockZone(c, name);
    long zoneId = existing.isPresent() ? existing.getAsLong() : ZoneWriter.createZone(c, name);
    // Under the same lock: no enactor can write a generation between this read and the commit.
    StagedZone.Diff diff = staged.diff(zoneId);
    // The file was validated alone (a CNAME owns its name), but the rrsets it leaves alone stay:
    // a CNAME written where a plan-managed rrset lives would break that rule, so it is refused.
    Optional<String> cname = staged.firstCnameWrittenAtManagedName();
    if (cname.isPresent()) {
      throw new ZoneFileException(
          0,
          cname.get()
              + " has a CNAME in the file, but plan-managed rrsets live at that name and an"
              + " import leaves them alone (RFC 1034 §3.6.2)");
    }
    int rrsets = Math.toIntExact(staged.rrsetCount());
    int records = Math.toIntExact(staged.recordCount());
    staged.write(zoneId);
    int unchanged = rrsets - diff.inserted() - diff.updated() - diff.managedInFile();
    return new ImportResult(
        name,
        existing.isEmpty(),
        diff.inserted(),
        diff.updated(),
        diff.deleted(),
        unchanged,
        records,
        diff.leftAlone());
  }

  /** The zone-wide facts of a staged zone, asked in SQL. */
  private record Staged(StagedZone zone) implements ZoneFileParser.ZoneFacts<SQLException> {

    @Override
    public Optional<String> firstOwnerAwayFrom(String type, String name) throws SQLException {
      return zone.firstOwnerAwayFrom(type, name);
    }

    @Override
    public long recordsOfType(String type) throws SQLException {
      return zone.recordsOfType(type);
    }

    @Override
    public OptionalInt recordsAt(String name, String type) throws SQLException {
      return zone.recordsAt(name, type);
    }

    @Override
    public Optional<ZoneFileParser.CnameClash> firstCnameClash() throws SQLException {
      return zone.firstCnameClash(ZoneFileParser.DNSSEC_META)
          .map(c -> new ZoneFileParser.CnameClash(c.name(), c.types(), c.records()));
    }
  }
}
