package dnsplane.authdns;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * LogConfig is authdns's logging set-up in code: one line per event on standard output, INFO and
 * up, Flyway and Hikari at WARN. {@link Main#main} installs it first thing. The jar holds no
 * logback.xml, so logback's own start-up finds nothing to read and sets up its basic console, which
 * this replaces: reading an XML configuration (a parser, logback's model of it, the reflection that
 * applies it) took each start 0.11-0.14 s before authdns's first line of its own. It is installed
 * by the main method only, not found as a service, so that no other program with authdns on its
 * class path (the resolver's tests, say) has its logging changed. A configuration named with {@code
 * -Dlogback.configurationFile} still wins: then this one stays out.
 */
public final class LogConfig {

  /** The line: ISO time with its offset, level, thread, logger, message. */
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{20} - %msg%n";

  private LogConfig() {}

  /** Replaces logback's configuration with authdns's, unless one was named on the command line. */
  public static void install() {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      configure(context);
    }
  }

  /** Sets up {@code context} (just made, or reset) as authdns logs. */
  static void configure(LoggerContext context) {
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
  }
}
