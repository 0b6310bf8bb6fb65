package dnsplane.enactor.api;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.Names;
import dnsplane.enactor.Durations;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.EnactorLoop;
import dnsplane.enactor.apply.EnactorMetrics;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.apply.Faults;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.verify.Verifier;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;

/**
 * EnactorRuntime owns one enactor inside the Micronaut service: its connection pool, the enactor,
 * its faults, verifier and apply loop, built from the {@code enactor.*} properties.
 */
@Singleton
public final class EnactorRuntime implements AutoCloseable {

  private final HikariDataSource pool;
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
      @Nullable @Value("${enactor.db.url:}") String dbUrl,
      @Nullable @Value("${enactor.db.user:}") String dbUser,
      @Nullable @Value("${enactor.db.password:}") String dbPassword)
      throws SQLException {
    DbSettings db =
        dbUrl == null || dbUrl.isBlank()
            ? DbSettings.fromEnv()
            : new DbSettings(
                dbUrl, dbUser == null || dbUser.isBlank() ? "postgres" : dbUser, dbPassword);
    Faults faults = new Faults();
    if (delays != null && !delays.isBlank()) {
      for (String d : delays.split(",")) {
        int eq = d.indexOf('=');
        faults.setDelay(Names.canonical(d.substring(0, eq)), Durations.parse(d.substring(eq + 1)));
      }
    }
    this.pool = DbBootstrap.pool(db, "enactor-" + az, 4);
    try {
      Verifier verifier = verify ? new Verifier(address(authdns), Duration.ofSeconds(2)) : null;
      this.enactor =
          new Enactor(
              EnactorSettings.of(az, Mode.parse(mode), keep),
              pool,
              faults,
              new EnactorMetrics(),
              verifier);
      this.loop = new EnactorLoop(enactor, db, Durations.parse(poll)).start();
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
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

  public HikariDataSource pool() {
    return pool;
  }

  @PreDestroy
  @Override
  public void close() {
    loop.close();
    pool.close();
  }
}
