package dnsplane.resolver.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * ErrorLogs collects ERROR events the resolver logs. The edge turns an unexpected exception into
 * SERVFAIL and an ERROR line, so a fuzz target that only looked at the reply would never see it:
 * any such line during an input is a finding.
 */
final class ErrorLogs extends AppenderBase<ILoggingEvent> {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  static ErrorLogs attach() {
    ErrorLogs a = new ErrorLogs();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    a.setContext(root.getLoggerContext());
    a.start();
    ((Logger) LoggerFactory.getLogger("dnsplane")).addAppender(a);
    return a;
  }

  @Override
  protected void append(ILoggingEvent e) {
    if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
      events.add(e);
    }
  }

  void clear() {
    events.clear();
  }

  /** Fails with the first ERROR logged since {@link #clear}, its exception as the cause. */
  void assertNone(String what) {
    if (events.isEmpty()) {
      return;
    }
    ILoggingEvent e = events.get(0);
    AssertionError err = new AssertionError(what + ": logged ERROR " + e.getFormattedMessage());
    if (e.getThrowableProxy() instanceof ch.qos.logback.classic.spi.ThrowableProxy p) {
      err.initCause(p.getThrowable());
    }
    throw err;
  }
}
