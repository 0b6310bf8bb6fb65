package dnsplane.enactor.api;

import dnsplane.db.DbSettings;
import dnsplane.db.Names;
import dnsplane.db.Transactions;
import dnsplane.enactor.Durations;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.EnactorLoop;
import dnsplane.enactor.apply.EnactorMetrics;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.apply.Faults;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.verify.Verifier;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;

/**
 * EnactorRuntime owns one enactor inside the Micronaut service: the enactor, its faults, verifier
 * and apply loop, built from the {@code enactor.*} properties on {@link EnactorDatabase}'s beans.
 */
@Singleton
public final class EnactorRuntime implements AutoCloseable {

  private final Enactor enactor;
  private final EnactorLoop loop;

  EnactorRuntime(
      @Value("${enactor.az}") String az,
      @Value("${enactor.mode:safe}") String mode,
      @Value("${enactor.keep:3}") int keep,
      @Value("${enactor.delays:}") String delays,
      @Value("${enactor.authdns:127.0.0.1:1053}") String authdns,
      @Value("${enactor.verify:true}") boolean verify,
      @Value("${enactor.poll:2s}") String poll,
      DbSettings db,
      Transactions tx)
      throws SQLException {
    Faults faults = new Faults();
    if (delays != null && !delays.isBlank()) {
      for (String d : delays.split(",")) {
        int eq = d.indexOf('=');
        faults.setDelay(Names.canonical(d.substring(0, eq)), Durations.parse(d.substring(eq + 1)));
      }
    }
    Verifier verifier = verify ? new Verifier(address(authdns), Duration.ofSeconds(2)) : null;
    this.enactor =
        new Enactor(
            EnactorSettings.of(az, Mode.parse(mode), keep),
            tx,
            faults,
            new EnactorMetrics(),
            verifier);
    this.loop = new EnactorLoop(enactor, db, Durations.parse(poll)).start();
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("authdns address must be HOST:PORT, got " + hostPort);
    }
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
  }

  public Enactor enactor() {
    return enactor;
  }

  public EnactorLoop loop() {
    return loop;
  }

  @PreDestroy
  @Override
  public void close() {
    loop.close();
  }
}
