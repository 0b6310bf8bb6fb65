package dnsplane.enactor.api;

import dnsplane.db.DbSettings;
import dnsplane.db.Transactions;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.EnactorLoop;
import dnsplane.enactor.apply.EnactorMetrics;
import dnsplane.enactor.apply.Faults;
import dnsplane.enactor.config.EnactorConfig;
import dnsplane.enactor.verify.Verifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;

/**
 * EnactorRuntime owns one enactor inside the Micronaut service: the enactor, its faults, verifier
 * and apply loop, built from its {@link EnactorConfig} on {@link EnactorDatabase}'s beans.
 */
@Singleton
public final class EnactorRuntime implements AutoCloseable {

  private final Enactor enactor;
  private final EnactorLoop loop;

  EnactorRuntime(EnactorConfig config, DbSettings db, Transactions tx) throws SQLException {
    Faults faults = new Faults();
    config.delays().forEach(faults::setDelay);
    Verifier verifier =
        config.verify() ? new Verifier(address(config.authdns()), Duration.ofSeconds(2)) : null;
    this.enactor = new Enactor(config.settings(), tx, faults, new EnactorMetrics(), verifier);
    this.loop = new EnactorLoop(enactor, db, config.poll()).start();
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
