package dnsplane.authdns.zone;

import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * ZoneChange is one entry of the change log as the snapshot sees it. Changes are applied in
 * change-log order by {@link ZoneSet#apply}; each carries the zone's SOA serial after it.
 */
public sealed interface ZoneChange {

  /** The zone this change belongs to. */
  Name zone();

  /** A zone now exists (its records follow as {@link RrsetReplaced}). */
  record ZoneCreated(Name zone, long serial) implements ZoneChange {
    public ZoneCreated {
      Objects.requireNonNull(zone, "zone");
    }
  }

  /** A zone and every record in it are gone. */
  record ZoneDeleted(Name zone) implements ZoneChange {
    public ZoneDeleted {
      Objects.requireNonNull(zone, "zone");
    }
  }

  /**
   * The rrset (name, type) now holds exactly {@code records} (all of that name and type). No
   * records is legal: the name exists and the type has no data (a NODATA answer), which is what an
   * emptied endpoint looks like on the wire.
   */
  record RrsetReplaced(Name zone, Name name, int type, List<Record> records, long serial)
      implements ZoneChange {
    public RrsetReplaced {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(name, "name");
      Type.check(type);
      records = List.copyOf(records);
    }
  }

  /**
   * A change to the rrset (name, type) that could not be applied in full: some of its records did
   * not parse. The rrset served before stays, all of it; only where there is none yet are {@code
   * parsed} (the records that did parse) served, so a bad record never empties a served name. The
   * zone's serial moves to {@code serial} either way.
   */
  record RrsetIncomplete(Name zone, Name name, int type, List<Record> parsed, long serial)
      implements ZoneChange {
    public RrsetIncomplete {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(name, "name");
      Type.check(type);
      parsed = List.copyOf(parsed);
    }
  }

  /** The rrset (name, type) no longer exists. */
  record RrsetRemoved(Name zone, Name name, int type, long serial) implements ZoneChange {
    public RrsetRemoved {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(name, "name");
      Type.check(type);
    }
  }
}
