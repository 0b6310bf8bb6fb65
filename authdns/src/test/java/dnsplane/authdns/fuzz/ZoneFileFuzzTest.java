package dnsplane.authdns.fuzz;

import static dnsplane.authdns.fuzz.WireChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dnsplane.authdns.store.ParsedZone;
import dnsplane.authdns.store.ZoneFileException;
import dnsplane.authdns.store.ZoneFileParser;
import dnsplane.db.zone.RrsetRow;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The parse side of zone import ({@link ZoneFileParser#parse}), the part a hostile upload reaches
 * before anything touches the database.
 *
 * <p>Input: byte 0 picks the origin given on the command line (none, tricky.test., or
 * example.test.); the rest is the file, UTF-8.
 *
 * <p>Properties: a file is either rejected with {@link ZoneFileException} carrying a message and a
 * line number within the file, or it yields a zone that keeps the rules the importer relies on:
 * every owner at or below the apex, canonical lower-case absolute names, exactly one SOA (at the
 * apex), NS at the apex, no CNAME beside other data, non-negative TTLs. And an export of it (what
 * {@code zone export} writes) re-imports to exactly the same rrsets. Any other exception is a
 * finding.
 */
class ZoneFileFuzzTest {
  static final Name[] ORIGINS = {
    null, Name.fromConstantString("tricky.test."), Name.fromConstantString("example.test.")
  };
  static final Method RENDER = render();

  private static Method render() {
    try {
      Method m =
          Class.forName("dnsplane.authdns.store.ZoneExporter")
              .getDeclaredMethod("render", String.class, Collection.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("ZoneExporter.render changed shape; update the harness", e);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void parse(byte[] data) {
    if (data.length < 1) {
      return;
    }
    Name origin = ORIGINS[(data[0] & 0xFF) % ORIGINS.length];
    String text = new String(Arrays.copyOfRange(data, 1, data.length), StandardCharsets.UTF_8);
    String what = "zone file (origin " + origin + ") " + WireChecks.hex(data);
    ParsedZone zone;
    try {
      zone = ZoneFileParser.parse(text, origin);
    } catch (ZoneFileException e) {
      check(
          e.getMessage() != null && !e.getMessage().isBlank(), what, "rejection without a message");
      // dnsjava's tokenizer also ends a line at a bare CR, so count both.
      long lines = text.chars().filter(c -> c == '\n' || c == '\r').count() + 1;
      check(e.line() >= 0 && e.line() <= lines, what, "line " + e.line() + " is not in the file");
      return;
    }
    String apex = zone.zoneName();
    check(
        origin == null || zone.origin().equals(origin), what, "origin changed to " + zone.origin());
    int soas = 0;
    Map<String, Integer> typesAt = new HashMap<>();
    for (RrsetRow r : zone.rrsets().values()) {
      check(
          r.name().equals(r.name().toLowerCase(java.util.Locale.ROOT)) && r.name().endsWith("."),
          what,
          "owner " + r.name() + " is not canonical");
      Name owner = name(r.name(), what);
      check(owner.subdomain(zone.origin()), what, r.name() + " is outside the zone " + apex);
      check(r.ttl() >= 0, what, "negative TTL on " + r.key());
      if (r.type().equals("SOA")) {
        check(r.name().equals(apex), what, "SOA away from the apex");
        soas += r.rdata().size();
      }
      if (!r.type().equals("RRSIG") && !r.type().equals("NSEC") && !r.type().equals("NSEC3")) {
        typesAt.merge(r.name(), 1, Integer::sum);
      }
    }
    check(soas == 1, what, soas + " SOA records");
    RrsetRow ns = zone.rrsets().get(new RrsetRow.Key(apex, "NS"));
    check(ns != null && !ns.rdata().isEmpty(), what, "no NS at the apex");
    for (RrsetRow r : zone.rrsets().values()) {
      if (r.type().equals("CNAME")) {
        check(
            typesAt.get(r.name()) == 1 && r.rdata().size() == 1,
            what,
            "CNAME and other data at " + r.name());
      }
    }
    String exported = export(apex, zone.rrsets().values());
    ParsedZone again;
    try {
      again = ZoneFileParser.parse(exported, zone.origin());
    } catch (ZoneFileException e) {
      throw new AssertionError(
          what + ": the export does not re-import: " + e.getMessage() + "\n" + exported, e);
    }
    check(
        again.rrsets().equals(zone.rrsets()),
        what,
        "export/import round trip changed the rrsets:\n" + zone.rrsets() + "\n" + again.rrsets());
  }

  private static Name name(String s, String what) {
    try {
      return Name.fromString(s);
    } catch (org.xbill.DNS.TextParseException e) {
      throw new AssertionError(what + ": stored name " + s + " does not parse", e);
    }
  }

  private static String export(String apex, Collection<RrsetRow> rrsets) {
    try {
      return (String) RENDER.invoke(null, apex, rrsets);
    } catch (InvocationTargetException e) {
      throw new AssertionError("export threw", e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
