package dnsplane.authdns;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * LogConfig is authdns's logging set-up in code: one line per event on standard output, INFO and
 * up, Flyway and Hikari at WARN. Logback finds it as a service before it looks for a logback.xml,
 * and reading an XML configuration (a parser, logback's model of it, the reflection that applies
 * it) took each start about a tenth of a second before the first line of authdns's own. A
 * configuration named with {@code -Dlogback.configurationFile} (an operator's, or the tests' own
 * logback-test.xml, which the build names for them) still wins: then this one steps aside.
 */
public final class LogConfig extends ContextAwareBase implements Configurator {

  /** The line: ISO time with its offset, level, thread, logger, message. */
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{20} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stdout);
    context.getLogger("org.flywaydb").setLevel(Level.WARN);
    context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
