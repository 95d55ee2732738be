package dev.opend1.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line per HTTP request, on standard error through the {@code opend1.request} logger: the
 * request id, method, route template, status, duration, the account and database named in the path,
 * the bytes read and written, the client's address and its user agent.
 *
 * <p>It is built from those fields only, never from other headers, the query string or the body, so
 * no token, {@code Authorization}/{@code X-Auth-Key} value, SQL text or bound parameter can reach
 * it. In text mode the line is the message; with {@code --log-format json} the fields are SLF4J
 * key-value pairs, which logback's JSON encoder writes as the event's {@code kvpList} (see {@code
 * LogFormat}). The web console's files and the replica news between nodes are logged at DEBUG
 * ({@link #quiet}).
 */
final class RequestLog {

  private static final Logger LOG = LoggerFactory.getLogger("opend1.request");

  /** The longest user agent logged; longer ones are cut. */
  private static final int MAX_USER_AGENT = 200;

  private final boolean json;

  RequestLog(boolean json) {
    this.json = json;
  }

  /**
   * One finished request; {@code account}, {@code database} and {@code userAgent} may be null, the
   * byte counts -1 when unknown.
   */
  record Entry(
      String requestId,
      String method,
      String route,
      int status,
      double durationMs,
      String account,
      String database,
      long requestBytes,
      long responseBytes,
      String client,
      String userAgent,
      boolean aborted,
      boolean quiet) {}

  /**
   * Whether a request on {@code route} is logged at DEBUG only: the web console's files, and the
   * calls between a cluster's nodes that come with every commit or read of a followed database (an
   * owner's news to its followers, a follower's registration), which would flood the log at INFO.
   */
  static boolean quiet(String route) {
    return route.equals("/")
        || route.startsWith(ConsoleRoutes.ASSETS)
        || route.equals(ReplicaNews.NEWS)
        || route.equals(ReplicaNews.FOLLOW);
  }

  void log(Entry e) {
    if (e.quiet() ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) {
      return;
    }
    if (json) {
      LoggingEventBuilder b = e.quiet() ? LOG.atDebug() : LOG.atInfo();
      b.addKeyValue("request_id", e.requestId())
          .addKeyValue("method", e.method())
          .addKeyValue("route", e.route())
          .addKeyValue("status", e.status())
          .addKeyValue("duration_ms", Math.round(e.durationMs() * 10) / 10.0);
      if (e.account() != null) {
        b.addKeyValue("account", e.account());
      }
      if (e.database() != null) {
        b.addKeyValue("database", e.database());
      }
      b.addKeyValue("request_bytes", e.requestBytes())
          .addKeyValue("response_bytes", e.responseBytes())
          .addKeyValue("client", e.client());
      if (e.userAgent() != null) {
        b.addKeyValue("user_agent", cut(e.userAgent()));
      }
      if (e.aborted()) {
        b.addKeyValue("aborted", true);
      }
      b.log(e.method() + " " + e.route() + " " + e.status());
    } else if (e.quiet()) {
      LOG.debug(text(e));
    } else {
      LOG.info(text(e));
    }
  }

  static String text(Entry e) {
    // By hand rather than String.format: this runs once per request.
    long tenths = Math.round(e.durationMs() * 10);
    StringBuilder b =
        new StringBuilder(200)
            .append(e.method())
            .append(' ')
            .append(e.route())
            .append(' ')
            .append(e.status())
            .append(' ')
            .append(tenths / 10)
            .append('.')
            .append(tenths % 10)
            .append("ms account=")
            .append(orDash(e.account()))
            .append(" database=")
            .append(orDash(e.database()))
            .append(" in=")
            .append(e.requestBytes())
            .append(" out=")
            .append(e.responseBytes())
            .append(" client=")
            .append(orDash(e.client()))
            .append(" id=")
            .append(e.requestId());
    if (e.aborted()) {
      b.append(" aborted");
    }
    b.append(" ua=");
    if (e.userAgent() == null) {
      b.append('-');
    } else {
      b.append('"');
      String ua = cut(e.userAgent());
      for (int i = 0; i < ua.length(); i++) {
        char c = ua.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else {
          b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
      }
      b.append('"');
    }
    return b.toString();
  }

  private static String cut(String s) {
    return s.length() <= MAX_USER_AGENT ? s : s.substring(0, MAX_USER_AGENT);
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
