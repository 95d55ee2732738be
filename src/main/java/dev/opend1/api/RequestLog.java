package dev.opend1.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per HTTP request, on standard error through SLF4J: method, route template, status,
 * duration, the account and database named in the path, and the bytes read and written.
 *
 * <p>It is built from those fields only, never from headers, the query string or the body, so no
 * token, {@code Authorization}/{@code X-Auth-Key} value, SQL text or bound parameter can reach it.
 * Text lines go to the {@code opend1.request} logger (with the usual time and level prefix); JSON
 * lines go to {@code opend1.request.json}, which logback writes bare, one object per line.
 */
final class RequestLog {

  private static final Logger TEXT = LoggerFactory.getLogger("opend1.request");
  private static final Logger JSON = LoggerFactory.getLogger("opend1.request.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final boolean json;

  RequestLog(boolean json) {
    this.json = json;
  }

  /** One finished request; {@code account}, {@code database} and byte counts may be unknown. */
  record Entry(
      String method,
      String route,
      int status,
      double durationMs,
      String account,
      String database,
      long requestBytes,
      long responseBytes) {}

  void log(Entry e) {
    if (json) {
      if (JSON.isInfoEnabled()) {
        JSON.info(json(e));
      }
    } else if (TEXT.isInfoEnabled()) {
      TEXT.info(text(e));
    }
  }

  static String text(Entry e) {
    // By hand rather than String.format: this runs once per request.
    long tenths = Math.round(e.durationMs() * 10);
    return new StringBuilder(160)
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
        .toString();
  }

  static String json(Entry e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("time", Instant.now().toString());
    o.put("type", "request");
    o.put("method", e.method());
    o.put("route", e.route());
    o.put("status", e.status());
    o.put("duration_ms", Math.round(e.durationMs() * 10) / 10.0);
    o.put("account", e.account());
    o.put("database", e.database());
    o.put("request_bytes", e.requestBytes());
    o.put("response_bytes", e.responseBytes());
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("a JSON tree of plain values always serializes", ex);
    }
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
