package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.opend1.testing.RawHttp;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A failure that escapes every route's error handling reaches Jetty, whose answer {@link
 * ProtocolErrors} writes: D1's envelope, 500 "Server Error" with the request's id as its reference,
 * and one log line with that id and the failure, so the answer leads to its cause.
 */
class ProtocolErrorsTest {

  @Test
  void aFailureJettyAnswersIsLoggedWithTheRequestIdAndItsCause() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger(ApiServer.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.setContext(context);
    log.start();
    logger.addAppender(log);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setErrorHandler(new ProtocolErrors());
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            throw new IllegalStateException("a handler's own failure");
          }
        });
    server.start();
    try {
      RawHttp.Response r =
          RawHttp.send(connector.getLocalPort(), RawHttp.request("GET", "/x", List.of(), null));

      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().path("errors").path(0).path("code").asInt()).isEqualTo(7500);
      String message = r.json().path("errors").path(0).path("message").asText();
      assertThat(message).startsWith("Server Error; reference = ");
      String id = message.substring("Server Error; reference = ".length());
      assertThat(log.list)
          .anySatisfy(
              e -> {
                assertThat(e.getFormattedMessage()).contains(id).contains("GET /x");
                assertThat(e.getThrowableProxy()).isNotNull();
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("a handler's own failure");
              });
    } finally {
      server.stop();
      logger.detachAppender(log);
    }
  }
}
