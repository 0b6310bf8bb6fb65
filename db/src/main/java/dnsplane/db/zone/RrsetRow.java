package dnsplane.db.zone;

import java.util.List;
import java.util.Objects;

/**
 * RrsetRow is one rrset as the {@code rrset} table holds it: canonical owner name (absolute,
 * lower-case), type mnemonic, one TTL, and the records' rdata in presentation format. An empty
 * rdata list is an rrset that publishes nothing (NODATA on the wire).
 */
public record RrsetRow(String name, String type, int ttl, List<String> rdata) {

  public RrsetRow {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    rdata = List.copyOf(rdata);
  }

  /** The identity of the rrset inside its zone: (name, type). */
  public Key key() {
    return new Key(name, type);
  }

  /** (name, type), the unit an import compares and the unit of compare-and-set. */
  public record Key(String name, String type) {
    /** "NAME TYPE", as operators write an rrset. */
    @Override
    public String toString() {
      return name + " " + type;
    }
  }
}
