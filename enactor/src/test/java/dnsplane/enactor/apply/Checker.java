package dnsplane.enactor.apply;

import dnsplane.enactor.verify.Verifier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checker is a DNS client that queries authdns for one endpoint in a loop, as resolvers would, and
 * counts what it must never see: an empty answer (NOERROR, no address) once the endpoint has been
 * published, and a generation older than one it already saw.
 */
final class Checker implements AutoCloseable {

  final AtomicLong queries = new AtomicLong();
  final AtomicLong empty = new AtomicLong();
  final AtomicLong regressions = new AtomicLong();
  final AtomicLong highest = new AtomicLong();
  private final Verifier dns;
  private final String endpoint;
  private final Thread thread;
  private volatile boolean running = true;

  Checker(Verifier dns, String endpoint) {
    this.dns = dns;
    this.endpoint = endpoint;
    this.thread = new Thread(this::run, "checker-" + endpoint);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    while (running) {
      Verifier.Observation o = dns.observe(endpoint);
      if (o.rcode() != 0) {
        continue;
      }
      queries.incrementAndGet();
      if (o.addresses() == 0) {
        empty.incrementAndGet();
      }
      if (o.generation() != null) {
        if (o.generation() < highest.get()) {
          regressions.incrementAndGet();
        }
        highest.accumulateAndGet(o.generation(), Math::max);
      }
    }
  }

  String counts() {
    return endpoint
        + ": "
        + queries.get()
        + " answers, "
        + empty.get()
        + " empty, "
        + regressions.get()
        + " generation regressions, highest plan seen "
        + highest.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5000);
  }
}
