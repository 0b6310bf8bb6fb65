package dnsplane.resolver.upstream;

import dnsplane.resolver.metrics.Metrics;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Exchange is one attempt: one query to one server, over UDP and, after TC, over TCP. It ends once,
 * with the scrubbed reply, with the reason it failed (a String), or exceptionally on a bug.
 * Event-loop confined (its lane's).
 */
final class Exchange {
  final Name qname;
  final int qtype;
  final Name zone;
  final InetSocketAddress server;
  long startNanos; // when the UDP query left: the latency excludes the backoff before it
  private final CompletableFuture<Object> outcome;
  private final Metrics metrics;
  Message query;
  UdpSocket socket;
  int id;
  ScheduledFuture<?> timer;
  private boolean done;

  Exchange(
      Name qname,
      int qtype,
      Name zone,
      InetSocketAddress server,
      Metrics metrics,
      CompletableFuture<Object> outcome) {
    this.qname = qname;
    this.qtype = qtype;
    this.zone = zone;
    this.server = server;
    this.metrics = metrics;
    this.outcome = outcome;
  }

  boolean done() {
    return done;
  }

  void succeed(Message reply) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    try {
      metrics.upstreamLatency(System.nanoTime() - startNanos);
      int[] dropped = {0};
      Message clean = ResponseCheck.scrub(reply, zone, dropped);
      metrics.upstreamScrubbed.add(dropped[0]);
      outcome.complete(clean);
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
    }
  }

  void fail(String why) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    outcome.complete(server + ": " + why);
  }

  void crash(RuntimeException e) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    outcome.completeExceptionally(e);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
