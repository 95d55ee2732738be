package dev.opend1.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * D1's response envelope, the one writer of it. Every answer carries all four keys ({@code result},
 * {@code success}, {@code errors}, {@code messages}), in that order, and {@code Content-Type:
 * application/json}; failures carry both a 4xx/5xx status and {@code success: false}, because
 * wrangler reads {@code success} and the SDK reads the status.
 *
 * <p>Every path that answers writes through here: routes ({@link #ok}, {@link #page}), the
 * exception handlers ({@link #error}), the streamed query results ({@link #startSuccess}, {@link
 * #endSuccess}), and the Jetty handlers that answer before any route ({@link Draining}, {@link
 * ProtocolErrors}) with {@link #failure}.
 */
final class Envelope {

  private Envelope() {}

  /** Answers 200 with {@code result}. */
  static void ok(Context ctx, JsonNode result) {
    send(ctx, 200, write(gen -> success(gen, result, null)));
  }

  /** Answers 200 with a list (or a diff's page) {@code result} and its {@code result_info}. */
  static void page(Context ctx, JsonNode result, ObjectNode resultInfo) {
    send(ctx, 200, write(gen -> success(gen, result, resultInfo)));
  }

  /**
   * Answers a failure with the error's status ({@link HttpStatuses}) and code. A 5xx message ends
   * with {@code ; reference = <request id>} (see {@link #failure(int, int, String, String)}).
   */
  static void error(Context ctx, D1Exception e) {
    Exchange x = Exchange.of(ctx);
    if (x != null) {
      x.errorCode = e.code();
    }
    send(ctx, HttpStatuses.of(e), failure(e, x == null ? null : x.id));
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
    res.setStatus(HttpStatuses.of(e));
    res.setContentType("application/json");
    res.getOutputStream().write(failure(e, requestId));
  }

  /** The body of a failure answering {@code e}, for the request {@code requestId} (or null). */
  static byte[] failure(D1Exception e, String requestId) {
    return failure(HttpStatuses.of(e), e.code(), e.getMessage(), requestId);
  }

  /**
   * The body of a failure answered with {@code status}. A 5xx message ends with {@code ; reference
   * = <request id>}, the id in the response's {@code x-request-id} and in the request log, so a
   * client's report leads to the server's log line.
   */
  static byte[] failure(int status, int code, String message, String requestId) {
    String text =
        status >= 500 && requestId != null ? message + "; reference = " + requestId : message;
    return write(
        gen -> {
          gen.writeStartObject();
          gen.writeNullField("result");
          gen.writeBooleanField("success", false);
          gen.writeArrayFieldStart("errors");
          gen.writeStartObject();
          gen.writeNumberField("code", code);
          gen.writeStringField("message", text);
          gen.writeEndObject();
          gen.writeEndArray();
          gen.writeArrayFieldStart("messages");
          gen.writeEndArray();
          gen.writeEndObject();
        });
  }

  /**
   * Opens a success envelope whose {@code result} the caller writes next, value by value (the
   * streamed results of a query); {@link #endSuccess} closes it.
   */
  static void startSuccess(JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName("result");
  }

  /** Closes a success envelope opened with {@link #startSuccess}, after its {@code result}. */
  static void endSuccess(JsonGenerator gen) throws IOException {
    endSuccess(gen, null);
  }

  private static void success(JsonGenerator gen, JsonNode result, ObjectNode resultInfo)
      throws IOException {
    startSuccess(gen);
    gen.writeTree(result);
    endSuccess(gen, resultInfo);
  }

  private static void endSuccess(JsonGenerator gen, ObjectNode resultInfo) throws IOException {
    gen.writeBooleanField("success", true);
    gen.writeArrayFieldStart("errors");
    gen.writeEndArray();
    gen.writeArrayFieldStart("messages");
    gen.writeEndArray();
    if (resultInfo != null) {
      gen.writeFieldName("result_info");
      gen.writeTree(resultInfo);
    }
    gen.writeEndObject();
  }

  /** What a body writer does with the generator. */
  @FunctionalInterface
  private interface Body {
    void writeTo(JsonGenerator gen) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      body.writeTo(gen);
    } catch (IOException e) {
      throw new UncheckedIOException("encode envelope", e);
    }
    return out.toByteArray();
  }

  private static void send(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType("application/json").result(body);
  }
}
