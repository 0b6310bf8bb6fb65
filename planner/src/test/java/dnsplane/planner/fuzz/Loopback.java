package dnsplane.planner.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;

/**
 * Loopback tells Jazzer's SSRF detector that connections to loopback are the harness's own (the
 * resolver asking the fuzz upstream on 127.0.0.1): anything else still counts as a finding.
 */
final class Loopback {
  private Loopback() {}

  static void allowOnly() {
    // Set at the start of every input: Jazzer resets the policy when fuzzing starts. It is global
    // (the connections
    // come from other threads), and never closed.
    BugDetectors.allowNetworkConnections(
        (host, port) ->
            host.equals("localhost")
                || host.startsWith("127.")
                || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1")
                || host.equals("/127.0.0.1"));
  }
}
