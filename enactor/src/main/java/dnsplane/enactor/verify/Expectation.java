package dnsplane.enactor.verify;

import java.util.Objects;

/**
 * Expectation is what an enactor's write of plan {@code generation} to {@code endpoint} should make
 * authdns serve: addresses, and a {@code _plan} TXT naming {@code marker} or a newer plan. {@code
 * marker} is the plan that last changed the endpoint's addresses (the written generation when this
 * write changed them, an older one when it did not; see {@code EntryRdata}), so a write that
 * changes nothing is verified against the marker it left in place, not against a TXT it never
 * wrote.
 */
public record Expectation(String endpoint, long generation, long marker) {

  public Expectation {
    Objects.requireNonNull(endpoint, "endpoint");
    if (marker > generation) {
      throw new IllegalArgumentException(
          "marker " + marker + " is newer than the written plan " + generation);
    }
  }
}
