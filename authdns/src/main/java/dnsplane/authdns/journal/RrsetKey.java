package dnsplane.authdns.journal;

import java.util.Objects;
import org.xbill.DNS.Name;

/** One rrset of a zone, (owner, type): what a change touches. Names compare case-insensitively. */
record RrsetKey(Name name, int type) {
  RrsetKey {
    Objects.requireNonNull(name, "name");
  }
}
