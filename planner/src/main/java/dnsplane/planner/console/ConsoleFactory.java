package dnsplane.planner.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.serde.annotation.SerdeImport;

/**
 * ConsoleFactory reads the console's settings when the planner starts ({@code @Context}), so a bad
 * one stops the start naming the setting and its variable, as the planner's own do.
 */
@Factory
@SerdeImport(DnsAnswer.class)
@SerdeImport(Timeline.Sample.class)
@SerdeImport(Timeline.Point.class)
final class ConsoleFactory {

  @Context
  ConsoleSettings settings(ConsoleProperties properties) {
    return ConsoleSettings.parse(properties);
  }
}
