package dnsplane.authdns.answer;

import java.util.List;
import org.xbill.DNS.Record;

/**
 * LookupResult is the three sections one zone lookup produced and its {@link Outcome}. After a
 * CNAME chain the outcome describes the last name of the chain (RFC 6604) while {@code answer}
 * holds the chain.
 */
public record LookupResult(
    Outcome outcome, List<Record> answer, List<Record> authority, List<Record> additional) {
  public LookupResult {
    answer = List.copyOf(answer);
    authority = List.copyOf(authority);
    additional = List.copyOf(additional);
  }
}
