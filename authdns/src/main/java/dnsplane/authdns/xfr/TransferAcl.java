package dnsplane.authdns.xfr;

import dnsplane.authdns.tsig.TsigCheck;
import dnsplane.db.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * TransferAcl is who may transfer zones ({@code --allow-transfer}): entries of an address or
 * network and, optionally, the TSIG key the request must be signed with, as NSD's {@code
 * provide-xfr: 192.0.2.0/24 keyname}. A zone's full contents are more than any single query
 * reveals, so the default is loopback only, as NSD's is (no provide-xfr means no transfers at all).
 *
 * <pre>
 *  entry                 matches
 *  CIDR                  unsigned requests from CIDR (NSD's "CIDR NOKEY")
 *  CIDR NOKEY            the same, spelled as NSD does
 *  CIDR KEYNAME          requests from CIDR signed with KEYNAME (verified)
 *  any KEYNAME           requests from anywhere signed with KEYNAME
 * </pre>
 *
 * <p>Like NSD, an entry with a key does not match an unsigned request, and an entry without one
 * does not match a signed request: say which you mean.
 */
public final class TransferAcl {
  private final List<Entry> entries;

  /** What {@link #decide} says about a request. */
  public enum Access {
    /** An entry matches: transfer. */
    ALLOW,
    /** No entry matches (NSD: "refused, no acl matches"): REFUSED, signed when the request was. */
    REFUSED,
    /** The request's TSIG did not verify: NOTAUTH with the TSIG error, before any ACL lookup. */
    NOTAUTH
  }

  /** One entry: a network (null: any address) and a key (null: unsigned requests only). */
  private record Entry(Cidr network, Name key, String text) {
    boolean matches(InetAddress a, Name signedWith) {
      return (network == null || network.contains(a.getAddress()))
          && Objects.equals(key, signedWith);
    }
  }

  private TransferAcl(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** 127.0.0.0/8 and ::1/128, unsigned. */
  public static TransferAcl loopback() {
    return parse("127.0.0.0/8,::1/128");
  }

  /**
   * Parses {@code ENTRY[,ENTRY...]}, each {@code CIDR}, {@code CIDR NOKEY}, {@code CIDR KEYNAME} or
   * {@code any KEYNAME}; a bare address means just that host. Only literal addresses are accepted
   * (no name lookups for an access list). Whether the keys exist is checked by {@link XfrConfig}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static TransferAcl parse(String text) {
    List<Entry> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] words = p.split("\\s+");
      if (words.length > 2) {
        throw new IllegalArgumentException("expected CIDR [KEYNAME|NOKEY], got: " + p);
      }
      Name key = null;
      if (words.length == 2 && !words[1].equalsIgnoreCase("NOKEY")) {
        try {
          key = Name.fromString(words[1], Name.root);
        } catch (TextParseException e) {
          throw new IllegalArgumentException("bad key name in: " + p);
        }
      }
      Cidr network;
      if (words[0].equalsIgnoreCase("any")) {
        if (key == null) {
          // An open, unsigned transfer ACL is one typo away from publishing every zone.
          throw new IllegalArgumentException("'any' needs a key name: " + p);
        }
        network = null;
      } else {
        network = Cidr.parse(words[0]);
      }
      out.add(new Entry(network, key, p));
    }
    return new TransferAcl(out);
  }

  /**
   * The decision for a request from {@code client} whose TSIG check gave {@code tsig}: PURE. The
   * TSIG is judged first, as NSD does, so a forged or stale signature is NOTAUTH whatever the ACL
   * says; then the request is allowed when any entry matches both its address and its key.
   */
  public Access decide(InetAddress client, TsigCheck tsig) {
    Name signedWith;
    if (tsig instanceof TsigCheck.Failed) {
      return Access.NOTAUTH;
    } else if (tsig instanceof TsigCheck.Verified v) {
      signedWith = v.key().name();
    } else {
      signedWith = null;
    }
    for (Entry e : entries) {
      if (e.matches(client, signedWith)) {
        return Access.ALLOW;
      }
    }
    return Access.REFUSED;
  }

  /** True when an unsigned request from {@code a} is allowed. */
  public boolean allows(InetAddress a) {
    return decide(a, TsigCheck.UNSIGNED) == Access.ALLOW;
  }

  /** The key names the entries require. */
  public Set<Name> keyNames() {
    Set<Name> out = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (e.key() != null) {
        out.add(e.key());
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return entries.stream().map(Entry::text).reduce((x, y) -> x + "," + y).orElse("(none)");
  }
}
