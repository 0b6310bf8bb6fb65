package dnsplane.authdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** authdns's logging as configured in code (what logback.xml said before). */
class LogConfigTest {

  @Test
  void infoAndUpOnStandardOutputOneLineAnEvent() {
    LoggerContext context = new LoggerContext();
    LogConfig.configure(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    assertEquals(Level.WARN, context.getLogger("org.flywaydb").getEffectiveLevel());
    assertEquals(Level.WARN, context.getLogger("com.zaxxer.hikari").getEffectiveLevel());
    assertEquals(Level.INFO, context.getLogger("dnsplane.authdns.AuthDns").getEffectiveLevel());
    ConsoleAppender<?> stdout = (ConsoleAppender<?>) root.getAppender("STDOUT");
    assertEquals("System.out", stdout.getTarget());
    PatternLayoutEncoder encoder = (PatternLayoutEncoder) stdout.getEncoder();

    LoggingEvent e =
        new LoggingEvent(
            "x",
            context.getLogger("dnsplane.authdns.net.AuthDnsServer"),
            Level.INFO,
            "listening",
            null,
            null);
    e.setThreadName("main");
    e.setTimeStamp(1_764_000_000_123L);
    String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
    assertTrue(
        line.matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123(Z|[+-]\\d\\d) INFO  \\[main\\]"
                + " d.a.n.AuthDnsServer - listening\\R"),
        line);
  }

  @Test
  void aConfigurationNamedOnTheCommandLineWins() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> before = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(before::add);
    Level level = root.getLevel();
    String named = System.setProperty("logback.configurationFile", "logback-test.xml");
    try {
      LogConfig.install();
    } finally {
      if (named != null) {
        System.setProperty("logback.configurationFile", named);
      } else {
        System.clearProperty("logback.configurationFile");
      }
    }
    List<Appender<ILoggingEvent>> after = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(after::add);
    assertEquals(before, after, "the tests' configuration, untouched");
    assertEquals(level, root.getLevel());
  }
}
