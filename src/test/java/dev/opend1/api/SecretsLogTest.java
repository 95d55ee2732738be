package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.opend1.catalog.IssuedToken;
import dev.opend1.config.ConfigLoader;
import dev.opend1.core.Permission;
import dev.opend1.testing.RawHttp;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Tokens are never logged: every log event of a server (opend1's own loggers at TRACE) that was
 * sent good, bad, revoked and legacy credentials, in headers, paths, query strings and SQL, is
 * searched for the secrets.
 */
class SecretsLogTest {

  @TempDir Path dir;

  private static final String BAD = "bad-9d1c7e55-distinctive-secret";
  private static final String BOOTSTRAP = "bootstrap-3b8e0f-distinctive-secret";

  @Test
  void noTokenEverReachesTheLog() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = context.getLogger("dev.opend1");
    Level before = ours.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(context);
    captured.start();
    root.addAppender(captured);
    // The request log does not reach the root logger's appenders: watch it too.
    Logger requests = context.getLogger("opend1.request");
    requests.addAppender(captured);
    ours.setLevel(Level.TRACE);
    List<String> secrets;
    try (TestServer server = TestServer.start(dir)) {
      IssuedToken edit =
          server
              .catalog()
              .tokens()
              .create(TestServer.ACCOUNT, "e", Permission.EDIT, Optional.empty());
      IssuedToken legacy =
          server
              .catalog()
              .tokens()
              .create(TestServer.ACCOUNT, "l", Permission.EDIT, Optional.of("legacy@example.com"));
      IssuedToken revoked =
          server
              .catalog()
              .tokens()
              .create(TestServer.ACCOUNT, "r", Permission.EDIT, Optional.empty());
      server.catalog().tokens().revoke(revoked.token().id());
      secrets = List.of(edit.secret(), legacy.secret(), revoked.secret(), BAD, BOOTSTRAP);
      // The bootstrap token's way in: the configuration, printed whole.
      LoggerFactory.getLogger("dev.opend1.test")
          .info(
              "config {}",
              ConfigLoader.load(
                  Map.of(
                      "account-id", TestServer.ACCOUNT.value(),
                      "api-token", BOOTSTRAP,
                      "data-dir", dir.resolve("x").toString()),
                  Map.of()));

      String db = databases() + "/logdb";
      for (String token : secrets) {
        for (List<String> headers :
            List.of(
                List.of("Authorization: Bearer " + token),
                List.of("Authorization: " + token),
                List.of("Authorization: Basic " + token),
                List.of("X-Auth-Email: legacy@example.com", "X-Auth-Key: " + token),
                List.of("X-Auth-Key: " + token),
                List.of("Authorization: Bearer " + token + "\u00ff"))) {
          send(server, "POST", databases(), headers, "{\"name\":\"logdb\"}");
          send(server, "POST", db + "/query", headers, "{\"sql\":\"SELECT '" + token + "' +\"}");
          send(server, "POST", db + "/query", headers, "{\"sql\":\"SELECT 1\",\"params\":[");
          send(server, "GET", db + "/" + token + "?token=" + token, headers, null);
          send(server, "GET", "/client/v4/user/tokens/verify", headers, null);
          send(server, "POST", db + "/export", headers, "{\"output_format\":\"polling\"}");
          send(server, "GET", "/client/v4/_transfer/exports/x.sql?sig=" + token, headers, null);
        }
      }
    } finally {
      root.detachAppender(captured);
      requests.detachAppender(captured);
      ours.setLevel(before);
    }
    assertThat(captured.list)
        .as("the appender sees the log")
        .anyMatch(e -> e.getFormattedMessage().startsWith("config ServerConfig["))
        .anyMatch(e -> e.getLoggerName().equals("opend1.request"));
    for (ILoggingEvent e : captured.list) {
      String text =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy()))
              + e.getMDCPropertyMap()
              + e.getKeyValuePairs();
      for (String secret : secrets) {
        assertThat(text).as(e.getLoggerName()).doesNotContain(secret);
      }
    }
  }

  private static void send(
      TestServer server, String method, String path, List<String> headers, String body)
      throws Exception {
    byte[] b = body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RawHttp.Response r = RawHttp.send(server.port(), RawHttp.request(method, path, headers, b));
    assertThat(r.status()).isBetween(200, 599);
  }
}
