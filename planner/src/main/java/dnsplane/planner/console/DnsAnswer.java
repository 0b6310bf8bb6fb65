package dnsplane.planner.console;

import java.util.List;

/**
 * DnsAnswer is what one server answered for one endpoint: A and AAAA together.
 *
 * @param status the rcode name (NOERROR, NXDOMAIN, SERVFAIL...), or null when nothing came back
 * @param addresses the A and AAAA addresses, sorted
 * @param count how many addresses; 0 with NOERROR is the empty answer the outage produced
 * @param planGeneration the generation the {@code _plan.<endpoint>} TXT names (authdns only)
 * @param stale true when the answer carries Extended DNS Error 3 (served stale)
 * @param ede the Extended DNS Error codes the answers carry
 * @param error why the server could not be asked or answered nothing usable, else null
 * @param at when it was asked (ISO-8601)
 */
public record DnsAnswer(
    String status,
    List<String> addresses,
    int count,
    Long planGeneration,
    boolean stale,
    List<Integer> ede,
    String error,
    String at) {

  public DnsAnswer {
    addresses = List.copyOf(addresses);
    ede = List.copyOf(ede);
  }

  /** No answer at all: a timeout, a refused socket, a reply that did not parse. */
  public static DnsAnswer failed(String error, String at) {
    return new DnsAnswer(null, List.of(), 0, null, false, List.of(), error, at);
  }

  /** True for NOERROR with no address: an emptied endpoint. */
  public boolean empty() {
    return "NOERROR".equals(status) && count == 0;
  }
}
