package dnsplane.enactor.config;

import dnsplane.db.Names;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.rules.Mode;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * EnactorConfig is one enactor's whole configuration, typed. The command line ({@link Flags})
 * builds it once and hands it to Micronaut as a bean; a context started from {@code enactor.*}
 * properties instead (tests, benchmarks, embedding) gets it bound by Micronaut from them.
 *
 * @param az the availability zone, the audit actor and the pool's name
 * @param mode how it writes: safe (compare-and-set) or legacy (the 2025 race)
 * @param keep how many plans cleanup keeps
 * @param authdns the authdns the written answers are verified against
 * @param verify whether written answers are verified over DNS
 * @param poll how often the apply loop looks for a plan when no NOTIFY arrives
 * @param delays fault injection: wait this long before writing an endpoint
 */
@ConfigurationProperties("enactor")
@Requires(property = "enactor.az")
public record EnactorConfig(
    String az,
    @Bindable(defaultValue = "safe") Mode mode,
    @Bindable(defaultValue = "3") int keep,
    @Bindable(defaultValue = DEFAULT_AUTHDNS) String authdns,
    @Bindable(defaultValue = "true") boolean verify,
    @Bindable(defaultValue = "2s") Duration poll,
    @Nullable Map<String, Duration> delays) {

  public static final String DEFAULT_AUTHDNS = "127.0.0.1:1053";
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(2);

  public EnactorConfig {
    Objects.requireNonNull(az, "az");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(authdns, "authdns");
    Objects.requireNonNull(poll, "poll");
    if (keep < 1) {
      throw new IllegalArgumentException("enactor.keep must be at least 1, got " + keep);
    }
    if (poll.isZero() || poll.isNegative()) {
      throw new IllegalArgumentException("enactor.poll must be positive, got " + poll);
    }
    Map<String, Duration> canonical = new LinkedHashMap<>();
    if (delays != null) {
      delays.forEach((endpoint, delay) -> canonical.put(Names.canonical(endpoint), delay));
    }
    delays = Map.copyOf(canonical);
  }

  /** An enactor as the command line starts it: verifying, polling every two seconds. */
  public static EnactorConfig of(
      String az, Mode mode, int keep, String authdns, Map<String, Duration> delays) {
    return new EnactorConfig(az, mode, keep, authdns, true, DEFAULT_POLL, delays);
  }

  /** What the enactor itself runs with. */
  public EnactorSettings settings() {
    return EnactorSettings.of(az, mode, keep);
  }
}
