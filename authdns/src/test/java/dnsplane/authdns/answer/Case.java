package dnsplane.authdns.answer;

import java.util.List;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Case is one row of an answer table (CoreDNS {@code test.Case}): the question and the expected
 * rcode, AA flag and sections, records written in master-file syntax relative to the zone origin.
 */
record Case(
    String qname,
    int qtype,
    int rcode,
    boolean aa,
    List<String> answer,
    List<String> authority,
    List<String> additional) {

  static Case of(String qname, int qtype, int rcode, boolean aa, List<String> answer) {
    return new Case(qname, qtype, rcode, aa, answer, List.of(), List.of());
  }

  @Override
  public String toString() {
    return qname + " " + Type.string(qtype) + " → " + Rcode.string(rcode);
  }
}
