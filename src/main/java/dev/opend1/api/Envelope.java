package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * D1's response envelope. Every answer carries all four keys ({@code result}, {@code success},
 * {@code errors}, {@code messages}) and {@code Content-Type: application/json}; failures carry both
 * a 4xx/5xx status and {@code success: false}, because wrangler reads {@code success} and the SDK
 * reads the status.
 */
final class Envelope {

  private Envelope() {}

  /** Answers 200 with {@code result}. */
  static void ok(Context ctx, JsonNode result) {
    send(ctx, 200, success(result));
  }

  /** Answers 200 with a list {@code result} and its {@code result_info}. */
  static void page(Context ctx, ArrayNode result, ObjectNode resultInfo) {
    ObjectNode body = success(result);
    body.set("result_info", resultInfo);
    send(ctx, 200, body);
  }

  /**
   * Answers a failure with the error's status and code. A 5xx message ends with {@code ; reference
   * = <request id>}, the id in the response's {@code x-request-id} and in the request log, so a
   * client's report leads to the server's log line.
   */
  static void error(Context ctx, D1Exception e) {
    Exchange x = Exchange.of(ctx);
    if (x != null) {
      x.errorCode = e.code();
    }
    send(ctx, e.httpStatus(), failure(e, x == null ? null : x.id));
  }

  /**
   * Answers a failure on a bare servlet response, for what Javalin hands over without a context (a
   * {@link Error} such as {@link OutOfMemoryError}). Does nothing once the response is committed:
   * its status is out already. The reference is the request id already on the response.
   */
  static void error(HttpServletResponse res, D1Exception e) throws IOException {
    if (res.isCommitted()) {
      return;
    }
    String requestId = res.getHeader("x-request-id");
    res.reset();
    if (requestId != null) {
      res.setHeader("x-request-id", requestId);
    }
    res.setStatus(e.httpStatus());
    res.setContentType("application/json");
    res.getOutputStream().write(Json.MAPPER.writeValueAsBytes(failure(e, requestId)));
  }

  private static ObjectNode failure(D1Exception e, String requestId) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putNull("result");
    body.put("success", false);
    ObjectNode err = body.putArray("errors").addObject();
    err.put("code", e.code());
    err.put("message", withReference(e.getMessage(), e.httpStatus(), requestId));
    body.putArray("messages");
    return body;
  }

  /** A 5xx message with {@code ; reference = ID} at its end; other messages as they are. */
  static String withReference(String message, int status, String requestId) {
    return status >= 500 && requestId != null ? message + "; reference = " + requestId : message;
  }

  private static ObjectNode success(JsonNode result) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("result", result);
    body.put("success", true);
    body.putArray("errors");
    body.putArray("messages");
    return body;
  }

  private static void send(Context ctx, int status, ObjectNode body) {
    try {
      ctx.status(status)
          .contentType("application/json")
          .result(Json.MAPPER.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("encode envelope", e);
    }
  }
}
