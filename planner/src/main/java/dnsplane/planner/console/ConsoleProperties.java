package dnsplane.planner.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * ConsoleProperties is the live console's settings under {@code dnsplane.console}, kept as text and
 * read by {@link ConsoleSettings#parse}, which refuses a bad one naming the setting and its
 * environment variable (DNSPLANE_CONSOLE_AUTHDNS is {@code dnsplane.console.authdns}).
 *
 * @param authdns the authoritative server the console asks, HOST:PORT; empty or {@code off}: none
 * @param resolvers the resolvers it asks, {@code name=HOST:PORT,...}
 * @param enactors the enactors' admin APIs, {@code az=http://HOST:PORT,...}
 * @param probeInterval how often, while a page watches, everything is asked again
 * @param history how far back the timeline keeps samples
 * @param maxProbed with at most this many endpoints every one is probed; with more, only those a
 *     page asked about in the last minute
 */
@ConfigurationProperties(ConsoleProperties.PREFIX)
public record ConsoleProperties(
    @Bindable(defaultValue = "127.0.0.1:1053") String authdns,
    @Nullable String resolvers,
    @Nullable String enactors,
    @Bindable(defaultValue = "1s") String probeInterval,
    @Bindable(defaultValue = "10m") String history,
    @Bindable(defaultValue = "50") String maxProbed) {

  public static final String PREFIX = "dnsplane.console";

  /** The defaults, as a planner without any console setting runs. */
  public static ConsoleProperties defaults() {
    return new ConsoleProperties("127.0.0.1:1053", null, null, "1s", "10m", "50");
  }
}
