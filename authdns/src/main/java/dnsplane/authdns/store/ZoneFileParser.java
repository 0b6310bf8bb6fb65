package dnsplane.authdns.store;

import dnsplane.db.zone.RrsetRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.RelativeNameException;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * ZoneFileParser turns the RFC 1035 master file of a zone import into a validated {@link
 * ParsedZone}, the rows the {@code rrset} table stores (through dnsjava's {@link Master}). It does
 * no I/O: {@link ZoneImporter} writes the rows, {@link ZoneExporter} renders them back.
 *
 * <p>A master file cannot say "this name has an A rrset with no records", which dnsplane stores on
 * purpose (an emptied endpoint). The exporter writes such rrsets as a comment line {@value
 * #EMPTY_MARKER}NAME TTL TYPE, which other tools ignore and this parser reads back, so an export
 * re-imports to exactly the same rows.
 */
public final class ZoneFileParser {

  /** Comment prefix that carries an empty rrset through a master file. */
  public static final String EMPTY_MARKER = ";dnsplane-empty ";

  private static final Pattern PARSER_LINE = Pattern.compile("^.*?:(\\d+): (.*)$", Pattern.DOTALL);
  private static final Set<Integer> NOT_ZONE_DATA =
      Set.of(
          Type.OPT, Type.TSIG, Type.TKEY, Type.AXFR, Type.IXFR, Type.ANY, Type.MAILA, Type.MAILB);

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
    if (origin != null && !origin.isAbsolute()) {
      throw new ZoneFileException(0, "origin " + origin + " is not absolute");
    }
    List<Record> records = readRecords(text, origin);
    Name apex = origin != null ? origin : soaOwner(records);
    Map<RrsetRow.Key, RrsetRow> rrsets = group(records, apex);
    addEmptyRrsets(text, apex, rrsets);
    validateZone(apex, rrsets);
    return new ParsedZone(apex, rrsets);
  }

  private static List<Record> readRecords(String text, Name origin) throws ZoneFileException {
    List<Record> records = new ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (Master master = new Master(new ByteArrayInputStream(bytes), origin)) {
      // $INCLUDE would let a zone upload read any file on the server.
      master.disableIncludes();
      Record r;
      while ((r = master.nextRecord()) != null) {
        records.add(r);
      }
    } catch (RelativeNameException e) {
      throw new ZoneFileException(
          0, e.getMessage() + " (no $ORIGIN: give the zone name with --origin)");
    } catch (TextParseException e) {
      throw located(e);
    } catch (IOException | RuntimeException e) {
      throw new ZoneFileException(0, "unreadable zone file: " + e.getMessage());
    }
    return records;
  }

  private static ZoneFileException located(TextParseException e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = PARSER_LINE.matcher(message);
    if (m.matches()) {
      return new ZoneFileException(Integer.parseInt(m.group(1)), m.group(2));
    }
    return new ZoneFileException(0, message);
  }

  private static Name soaOwner(List<Record> records) throws ZoneFileException {
    for (Record r : records) {
      if (r.getType() == Type.SOA) {
        return r.getName();
      }
    }
    throw new ZoneFileException(0, "the zone has no SOA record");
  }

  private static Map<RrsetRow.Key, RrsetRow> group(List<Record> records, Name apex)
      throws ZoneFileException {
    Map<RrsetRow.Key, Long> ttls = new LinkedHashMap<>();
    Map<RrsetRow.Key, Set<String>> rdata = new LinkedHashMap<>();
    for (Record r : records) {
      String where = r.getName() + " " + Type.string(r.getType());
      if (r.getDClass() != DClass.IN) {
        throw new ZoneFileException(
            0, where + ": class " + DClass.string(r.getDClass()) + " is not supported (only IN)");
      }
      if (!r.getName().subdomain(apex)) {
        throw new ZoneFileException(0, where + ": owner is outside the zone " + apex);
      }
      if (NOT_ZONE_DATA.contains(r.getType())) {
        throw new ZoneFileException(0, where + ": type cannot appear in a zone");
      }
      if (r.getTTL() > Integer.MAX_VALUE) {
        throw new ZoneFileException(0, where + ": TTL " + r.getTTL() + " is too large");
      }
      RrsetRow.Key key = new RrsetRow.Key(canonical(r.getName()), Type.string(r.getType()));
      // RFC 2181 §5.2: one TTL per rrset; where a file disagrees, the smallest is the safe one.
      ttls.merge(key, r.getTTL(), Math::min);
      // dnsjava prints some rdata with a trailing blank (a DNSKEY or CDNSKEY with an empty key:
      // "4 5 5 "), which its own parser reads back without; stripping keeps the stored text a
      // fixed point of export and re-import (ZoneFileFuzzTest found it).
      rdata.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(r.rdataToString().strip());
    }
    Map<RrsetRow.Key, RrsetRow> out = new LinkedHashMap<>();
    for (Map.Entry<RrsetRow.Key, Set<String>> e : rdata.entrySet()) {
      RrsetRow.Key k = e.getKey();
      out.put(
          k, new RrsetRow(k.name(), k.type(), ttls.get(k).intValue(), List.copyOf(e.getValue())));
    }
    return out;
  }

  private static void addEmptyRrsets(String text, Name apex, Map<RrsetRow.Key, RrsetRow> rrsets)
      throws ZoneFileException {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith(EMPTY_MARKER)) {
        continue;
      }
      String[] f = line.substring(EMPTY_MARKER.length()).trim().split("\\s+");
      try {
        if (f.length != 3) {
          throw new IllegalArgumentException("expected NAME TTL TYPE");
        }
        Name name = Name.fromString(f[0], apex);
        int type = Type.value(f[2]);
        if (type < 0 || !name.subdomain(apex)) {
          throw new IllegalArgumentException("bad type or name outside the zone");
        }
        RrsetRow.Key key = new RrsetRow.Key(canonical(name), Type.string(type));
        if (rrsets.containsKey(key)) {
          throw new IllegalArgumentException("the rrset also has records");
        }
        rrsets.put(key, new RrsetRow(key.name(), key.type(), Integer.parseInt(f[1]), List.of()));
      } catch (TextParseException | IllegalArgumentException e) {
        throw new ZoneFileException(i + 1, "bad empty-rrset marker: " + e.getMessage());
      }
    }
  }

  private static void validateZone(Name apex, Map<RrsetRow.Key, RrsetRow> rrsets)
      throws ZoneFileException {
    String zone = canonical(apex);
    int soas = 0;
    Map<String, Integer> typesAtName = new LinkedHashMap<>();
    for (RrsetRow r : rrsets.values()) {
      if (r.type().equals("SOA")) {
        if (!r.name().equals(zone)) {
          throw new ZoneFileException(0, "SOA at " + r.name() + " is not at the zone apex " + zone);
        }
        soas += r.rdata().size();
      }
      if (!isDnssecMeta(r.type())) {
        typesAtName.merge(r.name(), 1, Integer::sum);
      }
    }
    if (soas != 1) {
      throw new ZoneFileException(
          0, "the zone " + zone + " needs exactly one SOA record, has " + soas);
    }
    RrsetRow ns = rrsets.get(new RrsetRow.Key(zone, "NS"));
    if (ns == null || ns.rdata().isEmpty()) {
      throw new ZoneFileException(0, "the zone " + zone + " has no NS records at its apex");
    }
    for (RrsetRow r : rrsets.values()) {
      if (r.type().equals("CNAME") && typesAtName.get(r.name()) > 1) {
        throw new ZoneFileException(0, r.name() + " has a CNAME and other data (RFC 1034 §3.6.2)");
      }
      if (r.type().equals("CNAME") && r.rdata().size() > 1) {
        throw new ZoneFileException(0, r.name() + " has more than one CNAME record");
      }
    }
  }

  private static boolean isDnssecMeta(String type) {
    return type.equals("RRSIG") || type.equals("NSEC") || type.equals("NSEC3");
  }
}
