package dev.opend1;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format json}: gives the standard-error appender of {@code logback.xml} logback's own
 * {@link JsonEncoder}, so every log line (startup, requests, errors, shutdown) is one JSON object:
 * {@code timestamp} (epoch milliseconds), {@code level}, {@code loggerName}, {@code mdc} (the
 * {@code request_id} of a line logged while a request runs), {@code kvpList} (a request line's
 * fields), {@code formattedMessage} and {@code throwable}.
 */
final class LogFormat {

  private LogFormat() {}

  static void useJson() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Appender<ILoggingEvent> appender =
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
      return;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithThreadName(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    console.stop();
    console.setEncoder(json);
    console.start();
  }
}
