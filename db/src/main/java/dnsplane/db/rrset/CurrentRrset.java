package dnsplane.db.rrset;

import java.util.List;

/**
 * CurrentRrset is what one rrset holds now; {@code appliedGeneration} is null for imported data.
 */
public record CurrentRrset(
    String name, String type, int ttl, List<String> rdata, Long appliedGeneration) {

  public CurrentRrset {
    rdata = List.copyOf(rdata);
  }
}
