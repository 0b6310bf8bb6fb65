package dnsplane.authdns.store;

import dnsplane.db.zone.RrsetRow;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * ZoneFileParser holds the rules a zone-import master file must keep, and turns a file already in
 * memory into a validated {@link ParsedZone}, the rows the {@code rrset} table stores. The import
 * itself ({@link ZoneImporter}) streams instead: {@link ZoneFileReader} reads and checks each
 * record, the rrsets are grouped in SQL, and the zone-wide rules ({@link #validateZone}) are asked
 * of the staged rows; this class applies the very same steps in memory, so both reject a file with
 * the same message.
 *
 * <p>A master file cannot say "this name has an A rrset with no records", which dnsplane stores on
 * purpose (an emptied endpoint). The exporter writes such rrsets as a comment line {@value
 * #EMPTY_MARKER}NAME TTL TYPE, which other tools ignore and this parser reads back, so an export
 * re-imports to exactly the same rows.
 */
public final class ZoneFileParser {

  /** Comment prefix that carries an empty rrset through a master file. */
  public static final String EMPTY_MARKER = ";dnsplane-empty ";

  /** Types that may sit beside a CNAME (RFC 4035 §2.5): not counted as other data. */
  static final List<String> DNSSEC_META = List.of("RRSIG", "NSEC", "NSEC3");

  private ZoneFileParser() {}

  /** The form names take in the database: absolute, lower-case presentation. */
  public static String canonical(Name name) {
    return name.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses and validates {@code text}. {@code origin} may be null when the file names its zone
   * itself ($ORIGIN or absolute names); the zone is then the owner of its SOA record.
   */
  public static ParsedZone parse(String text, Name origin) throws ZoneFileException {
    ZoneSource source = ZoneSource.of(text);
    Name apex = ZoneFileReader.apex(source, origin);
    Map<RrsetRow.Key, RrsetRow> rrsets = group(source, origin, apex);
    OptionalInt conflict = OptionalInt.empty();
    Optional<ZoneFileException> bad;
    try (ZoneFileReader.Empties empties = ZoneFileReader.empties(source, apex)) {
      ZoneFileReader.Empty e;
      while ((e = empties.next()) != null) {
        RrsetRow.Key key = new RrsetRow.Key(e.name(), e.type());
        if (rrsets.containsKey(key)) {
          conflict = OptionalInt.of(e.line());
          break;
        }
        rrsets.put(key, new RrsetRow(e.name(), e.type(), e.ttl(), List.of()));
      }
      bad = empties.bad();
    }
    checkEmpties(conflict, bad);
    validateZone(canonical(apex), new InMemory(rrsets));
    return new ParsedZone(apex, rrsets);
  }

  /**
   * Throws for the first bad empty-rrset line: {@code conflict}, the first whose rrset also has
   * records or an earlier empty line, or else {@code bad}, a line that does not parse (the lines
   * after it are not read, so a conflict is always on an earlier line, or on that one).
   */
  static void checkEmpties(OptionalInt conflict, Optional<ZoneFileException> bad)
      throws ZoneFileException {
    if (conflict.isPresent()) {
      throw new ZoneFileException(
          conflict.getAsInt(), "bad empty-rrset marker: the rrset also has records");
    }
    if (bad.isPresent()) {
      throw bad.get();
    }
  }

  /**
   * What the zone-wide rules ask of a zone's rrsets, in file order (the rrsets in the order their
   * first record appears, then the empty ones in line order): answered from memory or by SQL.
   */
  interface ZoneFacts<E extends Exception> {

    /** The owner of the first rrset of type {@code type} not owned by {@code name}. */
    Optional<String> firstOwnerAwayFrom(String type, String name) throws E;

    /** How many records of type {@code type} the zone has. */
    long recordsOfType(String type) throws E;

    /** How many records rrset {@code name type} has; empty when there is no such rrset. */
    OptionalInt recordsAt(String name, String type) throws E;

    /**
     * The first CNAME rrset whose owner has more than one rrset (those of {@link #DNSSEC_META} not
     * counted), or more than one record.
     */
    Optional<CnameClash> firstCnameClash() throws E;
  }

  /**
   * A CNAME rrset at a name with {@code types} counted rrsets (itself included), {@code records}.
   */
  record CnameClash(String name, long types, int records) {}

  /** The rules about the zone {@code zone} as a whole: SOA, apex NS, CNAME. */
  static <E extends Exception> void validateZone(String zone, ZoneFacts<E> facts)
      throws ZoneFileException, E {
    Optional<String> soaAway = facts.firstOwnerAwayFrom("SOA", zone);
    if (soaAway.isPresent()) {
      throw new ZoneFileException(
          0, "SOA at " + soaAway.get() + " is not at the zone apex " + zone);
    }
    long soas = facts.recordsOfType("SOA");
    if (soas != 1) {
      throw new ZoneFileException(
          0, "the zone " + zone + " needs exactly one SOA record, has " + soas);
    }
    OptionalInt ns = facts.recordsAt(zone, "NS");
    if (ns.isEmpty() || ns.getAsInt() == 0) {
      throw new ZoneFileException(0, "the zone " + zone + " has no NS records at its apex");
    }
    Optional<CnameClash> clash = facts.firstCnameClash();
    if (clash.isPresent()) {
      String name = clash.get().name();
      throw new ZoneFileException(
          0,
          clash.get().types() > 1
              ? name + " has a CNAME and other data (RFC 1034 §3.6.2)"
              : name + " has more than one CNAME record");
    }
  }

  /** The records of the file grouped into rrsets, in memory. */
  private static Map<RrsetRow.Key, RrsetRow> group(ZoneSource source, Name origin, Name apex)
      throws ZoneFileException {
    Map<RrsetRow.Key, Long> ttls = new LinkedHashMap<>();
    Map<RrsetRow.Key, Set<String>> rdata = new LinkedHashMap<>();
    try (ZoneFileReader.Records records = ZoneFileReader.records(source, origin, apex)) {
      ZoneFileReader.Entry r;
      while ((r = records.next()) != null) {
        RrsetRow.Key key = new RrsetRow.Key(r.name(), r.type());
        // RFC 2181 §5.2: one TTL per rrset; where a file disagrees, the smallest is the safe one.
        ttls.merge(key, (long) r.ttl(), Math::min);
        rdata.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(r.rdata());
      }
    }
    Map<RrsetRow.Key, RrsetRow> out = new LinkedHashMap<>();
    for (Map.Entry<RrsetRow.Key, Set<String>> e : rdata.entrySet()) {
      RrsetRow.Key k = e.getKey();
      out.put(
          k, new RrsetRow(k.name(), k.type(), ttls.get(k).intValue(), List.copyOf(e.getValue())));
    }
    return out;
  }

  /** The facts of rrsets held in memory, in map order. */
  private record InMemory(Map<RrsetRow.Key, RrsetRow> rrsets)
      implements ZoneFacts<RuntimeException> {

    @Override
    public Optional<String> firstOwnerAwayFrom(String type, String name) {
      return rrsets.values().stream()
          .filter(r -> r.type().equals(type) && !r.name().equals(name))
          .map(RrsetRow::name)
          .findFirst();
    }

    @Override
    public long recordsOfType(String type) {
      return rrsets.values().stream()
          .filter(r -> r.type().equals(type))
          .mapToLong(r -> r.rdata().size())
          .sum();
    }

    @Override
    public OptionalInt recordsAt(String name, String type) {
      RrsetRow r = rrsets.get(new RrsetRow.Key(name, type));
      return r == null ? OptionalInt.empty() : OptionalInt.of(r.rdata().size());
    }

    @Override
    public Optional<CnameClash> firstCnameClash() {
      Map<String, Integer> typesAtName = new LinkedHashMap<>();
      for (RrsetRow r : rrsets.values()) {
        if (!DNSSEC_META.contains(r.type())) {
          typesAtName.merge(r.name(), 1, Integer::sum);
        }
      }
      for (RrsetRow r : rrsets.values()) {
        if (r.type().equals("CNAME")) {
          int types = typesAtName.get(r.name());
          if (types > 1 || r.rdata().size() > 1) {
            return Optional.of(new CnameClash(r.name(), types, r.rdata().size()));
          }
        }
      }
      return Optional.empty();
    }
  }
}
