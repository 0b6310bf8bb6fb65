package dnsplane.authdns.zone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/** ZoneFixtures loads the master-file fixtures under src/test/resources/zones. */
public final class ZoneFixtures {
  /** The zone full of tricky cases. */
  public static final Name TRICKY = Name.fromConstantString("tricky.test.");

  /** A zone nested below {@link #TRICKY} and delegated from it. */
  public static final Name CHILD = Name.fromConstantString("child.tricky.test.");

  private ZoneFixtures() {}

  /** The text of fixture {@code zones/<origin>zone}. */
  public static String text(Name origin) {
    String file = "/zones/" + origin + "zone";
    try (InputStream in = ZoneFixtures.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ZoneSet serving the fixtures named. */
  public static ZoneSet load(Name... origins) {
    List<ZoneChange> changes = new ArrayList<>();
    try {
      for (Name o : origins) {
        changes.addAll(ZoneFileChanges.changes(text(o), o));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ZoneSet.empty().apply(changes);
  }
}
